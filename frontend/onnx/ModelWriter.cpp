//===- ModelWriter.cpp - Imported statements as a model file --------------===//
//
// Blocks come from scopes, outermost first: at each depth the statements
// not yet in a block are grouped by the scope prefix of that depth (a
// region), and regions whose statements have the same structure become
// calls of one block. A region qualifies when only its last statement is
// read from outside it (its result) and every statement's name extends the
// region's, so that the names inside the block are the same in every call.
// Structure is everything but the region's inputs and literal arguments;
// literals equal in every call stay in the block, the others become its
// parameters.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ModelWriter.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <map>
#include <optional>

using llvm::StringRef;

namespace inception {

bool isReservedWord(StringRef name) {
  return llvm::is_contained({"model", "input", "output", "block", "return",
                             "repeat", "as", "true", "false"},
                            name);
}

std::string identifierFor(StringRef text) {
  std::string name;
  for (char c : text) {
    if (llvm::isAlnum(c) || c == '_')
      name += c;
    else if (!name.empty() && name.back() != '_')
      name += '_';
  }
  while (!name.empty() && name.back() == '_')
    name.pop_back();
  if (name.empty() || llvm::isDigit(name[0]))
    name = "v" + name;
  if (isReservedWord(name))
    name += "_";
  return name;
}

namespace {

bool isBuiltinOp(StringRef name) {
  return llvm::is_contained({"conv2d", "batch_norm", "relu", "max_pool",
                             "avg_pool", "global_avg_pool", "lrn", "concat",
                             "add", "scale", "dense", "flatten", "softmax",
                             "dropout"},
                            name);
}

/// Statements [indices] that may become one block call.
struct Region {
  std::vector<size_t> statements; // in order; the last is the result
  std::string id;                 // identifier of the scope prefix
  std::vector<std::string> relativeNames;
  std::vector<std::string> inputs;   // outside values read, first use first
  std::vector<std::string> literals; // spellings, in token order
  std::string signature;
};

struct Block {
  std::string name;
  std::vector<Region> calls;
  std::vector<std::string> parameters; // inputs, then varying literals
  std::vector<bool> literalVaries;
  std::string text;
};

class Writer {
public:
  explicit Writer(ModelDescription model) : model(std::move(model)) {}
  ImportedModel run();

private:
  void findBlocks();
  std::optional<Region> makeRegion(std::vector<size_t> members,
                                   StringRef prefix) const;
  std::string renderBlock(Block &block);
  std::string visibleName(StringRef statementName) const {
    auto it = visible.find(statementName);
    return it == visible.end() ? statementName.str() : it->second;
  }

  ModelDescription model;
  llvm::StringMap<size_t> indexOf;
  /// Statements read outside themselves: reader indices (SIZE_MAX: output).
  std::vector<std::vector<size_t>> readers;
  std::vector<bool> claimed;
  std::vector<Block> blocks;
  /// Statement index -> (block, call) that holds it.
  llvm::DenseMap<size_t, std::pair<size_t, size_t>> placement;
  /// A region result's name as the model body sees it (the call's).
  llvm::StringMap<std::string> visible;
};

std::optional<Region> Writer::makeRegion(std::vector<size_t> members,
                                         StringRef prefix) const {
  if (members.size() < 2)
    return std::nullopt;
  Region region;
  region.statements = std::move(members);
  region.id = identifierFor(prefix);
  llvm::DenseMap<size_t, bool> inside;
  for (size_t index : region.statements)
    inside[index] = true;
  size_t result = region.statements.back();
  for (size_t index : region.statements) {
    for (size_t reader : readers[index])
      if (reader == SIZE_MAX ? index != result
                             : (!inside.count(reader) && index != result))
        return std::nullopt;
    StringRef name = model.statements[index].name;
    std::string relative;
    if (name == region.id) {
      // Named as the region (a module's Concat): inside the block, its kind
      // names it, unless it is the result, which the call names.
      if (index != result) {
        relative = identifierFor(model.statements[index].kind);
        if (llvm::is_contained(region.relativeNames, relative))
          return std::nullopt;
      }
    } else if (name.starts_with(region.id + "_")) {
      relative = name.drop_front(region.id.size() + 1).str();
    } else {
      return std::nullopt;
    }
    region.relativeNames.push_back(relative);
  }
  // The structure: relative names, references inside by relative name,
  // outside by their order, literals by the argument they give.
  llvm::StringMap<size_t> position;
  for (auto [i, index] : llvm::enumerate(region.statements))
    position[model.statements[index].name] = i;
  std::string &signature = region.signature;
  for (auto [i, index] : llvm::enumerate(region.statements)) {
    signature += region.relativeNames[i] + "=";
    for (const Token &token : model.statements[index].expr.getTokens()) {
      switch (token.kind) {
      case Token::Text:
        signature += token.text;
        break;
      case Token::Literal:
        signature += "#" + token.argName + "#";
        region.literals.push_back(token.text);
        break;
      case Token::Ref: {
        auto it = position.find(token.text);
        if (it != position.end()) {
          signature += "@" + region.relativeNames[it->second] + "@";
          break;
        }
        auto input = llvm::find(region.inputs, token.text);
        signature += "$" + std::to_string(input - region.inputs.begin()) + "$";
        if (input == region.inputs.end())
          region.inputs.push_back(token.text);
        break;
      }
      }
    }
    signature += ";";
  }
  return region;
}

void Writer::findBlocks() {
  size_t depth = 0;
  for (const Statement &statement : model.statements)
    depth = std::max(depth, statement.scope.size());
  llvm::StringSet<> blockNames;
  for (size_t d = 1; d <= depth; ++d) {
    // Regions at this depth, in the order of their first statement.
    std::map<std::string, std::vector<size_t>> byPrefix;
    std::vector<std::string> prefixes;
    for (auto [index, statement] : llvm::enumerate(model.statements)) {
      if (claimed[index] || statement.scope.size() < d)
        continue;
      std::string prefix =
          llvm::join(llvm::ArrayRef(statement.scope).take_front(d), "/");
      auto [it, inserted] = byPrefix.try_emplace(prefix);
      if (inserted)
        prefixes.push_back(prefix);
      it->second.push_back(index);
    }
    std::map<std::string, std::vector<Region>> bySignature;
    std::vector<std::string> signatures;
    for (const std::string &prefix : prefixes) {
      auto region = makeRegion(byPrefix[prefix], prefix);
      if (!region)
        continue;
      auto [it, inserted] = bySignature.try_emplace(region->signature);
      if (inserted)
        signatures.push_back(region->signature);
      it->second.push_back(std::move(*region));
    }
    for (const std::string &signature : signatures) {
      std::vector<Region> &calls = bySignature[signature];
      if (calls.size() < 2)
        continue;
      // Named after what the calls' names share ("inception_3a",
      // "inception_3b": `inception`).
      StringRef common = calls[0].id;
      for (const Region &call : calls) {
        size_t n = 0;
        while (n < common.size() && n < call.id.size() &&
               common[n] == call.id[n])
          ++n;
        common = common.take_front(n);
      }
      StringRef stem = common.rtrim("_");
      std::string base = identifierFor(stem);
      if (stem.empty())
        base = "module";
      else if (isBuiltinOp(base) || isReservedWord(stem))
        base = stem.str() + "_module";
      std::string name = base;
      for (int suffix = 1; !blockNames.insert(name).second ||
                           indexOf.count(name) || name == model.inputName;
           ++suffix)
        name = base + "_" + std::to_string(suffix);
      Block block;
      block.name = name;
      block.calls = std::move(calls);
      for (auto [callIndex, call] : llvm::enumerate(block.calls))
        for (size_t index : call.statements) {
          claimed[index] = true;
          placement[index] = {blocks.size(), callIndex};
        }
      blocks.push_back(std::move(block));
    }
  }
}

std::string Writer::renderBlock(Block &block) {
  const Region &first = block.calls.front();
  llvm::StringSet<> taken;
  for (const std::string &relative : first.relativeNames)
    taken.insert(relative);
  auto fresh = [&](std::string base) {
    if (isReservedWord(base) || isBuiltinOp(base))
      base += "_";
    std::string name = base;
    for (int suffix = 1; !taken.insert(name).second; ++suffix)
      name = base + "_" + std::to_string(suffix);
    return name;
  };
  std::vector<std::string> inputNames;
  for (size_t i = 0; i < first.inputs.size(); ++i) {
    inputNames.push_back(fresh(i ? "x" + std::to_string(i) : "x"));
    block.parameters.push_back(inputNames.back());
  }
  // A literal is a parameter where the calls disagree.
  std::vector<std::string> literalNames;
  std::vector<size_t> literalSlots;
  size_t literal = 0;
  for (auto [i, index] : llvm::enumerate(first.statements))
    for (const Token &token : model.statements[index].expr.getTokens()) {
      if (token.kind != Token::Literal)
        continue;
      bool varies = llvm::any_of(block.calls, [&](const Region &call) {
        return call.literals[literal] != first.literals[literal];
      });
      // A literal that varies as an earlier one does (a depthwise
      // convolution's out and groups) shares its parameter.
      std::optional<size_t> same;
      for (size_t earlier = 0; varies && earlier < literal && !same; ++earlier)
        if (block.literalVaries[earlier] &&
            llvm::all_of(block.calls, [&](const Region &call) {
              return call.literals[earlier] == call.literals[literal];
            }))
          same = earlier;
      block.literalVaries.push_back(varies && !same);
      literalSlots.push_back(same.value_or(literal));
      literalNames.push_back(
          varies && !same
              ? fresh(first.relativeNames[i].empty()
                          ? token.argName
                          : first.relativeNames[i] + "_" + token.argName)
              : std::string());
      if (varies && !same)
        block.parameters.push_back(literalNames.back());
      ++literal;
    }

  std::string text = "  block " + block.name + "(" +
                     llvm::join(block.parameters, ", ") + ") {\n";
  llvm::StringMap<std::string> inside;
  for (auto [i, index] : llvm::enumerate(first.statements))
    inside[model.statements[index].name] = first.relativeNames[i];
  literal = 0;
  for (auto [i, index] : llvm::enumerate(first.statements)) {
    // The result keeps its name where it has one (its parameters' keys
    // then name it), else the call's path is its own.
    const std::string &relative = first.relativeNames[i];
    bool returned = i + 1 == first.statements.size() && relative.empty();
    text += returned ? "    return " : "    " + relative + " = ";
    for (const Token &token : model.statements[index].expr.getTokens()) {
      if (token.kind == Token::Text) {
        text += token.text;
      } else if (token.kind == Token::Literal) {
        size_t slot = literalSlots[literal];
        text += block.literalVaries[slot] ? literalNames[slot] : token.text;
        ++literal;
      } else if (auto it = inside.find(token.text); it != inside.end()) {
        text += it->second;
      } else {
        text += inputNames[llvm::find(first.inputs, token.text) -
                           first.inputs.begin()];
      }
    }
    text += "\n";
  }
  if (!first.relativeNames.back().empty())
    text += "    return " + first.relativeNames.back() + "\n";
  return text + "  }\n";
}

ImportedModel Writer::run() {
  size_t count = model.statements.size();
  for (auto [index, statement] : llvm::enumerate(model.statements))
    indexOf[statement.name] = index;
  readers.resize(count);
  claimed.assign(count, false);
  for (auto [index, statement] : llvm::enumerate(model.statements))
    for (const Token &token : statement.expr.getTokens())
      if (token.kind == Token::Ref)
        if (auto it = indexOf.find(token.text); it != indexOf.end())
          readers[it->second].push_back(index);
  if (auto it = indexOf.find(model.outputValue); it != indexOf.end())
    readers[it->second].push_back(SIZE_MAX);

  findBlocks();

  // Each call takes its region's name where no other statement has it.
  llvm::StringSet<> bodyNames;
  for (auto [index, statement] : llvm::enumerate(model.statements))
    if (!claimed[index])
      bodyNames.insert(statement.name);
  std::vector<std::vector<std::string>> callNames(blocks.size());
  for (auto [b, block] : llvm::enumerate(blocks))
    for (Region &call : block.calls) {
      std::string name = call.id;
      if (bodyNames.count(name) || name == model.inputName)
        name = model.statements[call.statements.back()].name;
      bodyNames.insert(name);
      callNames[b].push_back(name);
      visible[model.statements[call.statements.back()].name] = name;
    }

  ImportedModel imported;
  std::string text = model.header + "\nmodel " + model.modelName + " {\n";
  text +=
      "  input " + model.inputName + ": f32[" +
      llvm::join(llvm::map_range(model.inputShape,
                                 [](int64_t e) { return std::to_string(e); }),
                 ", ") +
      "]\n\n";
  for (Block &block : blocks)
    text += renderBlock(block) + "\n";

  // The body in order: statements outside blocks, and each call where its
  // result is.
  struct Item {
    size_t statement;            // outside blocks
    std::optional<size_t> block; // or a call of blocks[*block]
    size_t call = 0;
  };
  std::vector<Item> items;
  for (size_t index = 0; index < count; ++index) {
    auto where = placement.find(index);
    if (where == placement.end())
      items.push_back({index, std::nullopt});
    else if (index == blocks[where->second.first]
                          .calls[where->second.second]
                          .statements.back())
      items.push_back({index, where->second.first, where->second.second});
  }
  auto varyingLiterals = [&](size_t b, size_t c) {
    std::vector<std::string> literals;
    for (auto [i, varies] : llvm::enumerate(blocks[b].literalVaries))
      if (varies)
        literals.push_back(blocks[b].calls[c].literals[i]);
    return literals;
  };
  // Call `next` continues a chain after call `previous` of the same block
  // when its one input is the other's result, which nothing else reads,
  // and their arguments are the same: a `repeat` states the chain.
  auto continues = [&](const Item &previous, const Item &next) {
    if (!previous.block || !next.block || *previous.block != *next.block)
      return false;
    const Region &a = blocks[*previous.block].calls[previous.call];
    const Region &b = blocks[*next.block].calls[next.call];
    const std::string &result = model.statements[a.statements.back()].name;
    if (a.inputs.size() != 1 || b.inputs.size() != 1 || b.inputs[0] != result)
      return false;
    for (size_t reader : readers[a.statements.back()])
      if (reader == SIZE_MAX || !llvm::is_contained(b.statements, reader))
        return false;
    return varyingLiterals(*previous.block, previous.call) ==
           varyingLiterals(*next.block, next.call);
  };
  // Where each call's parameters are keyed: `<call>.` or, in a repeat,
  // `<carried>.<iteration>.`.
  std::map<std::pair<size_t, size_t>, std::string> keyPrefix;
  for (auto [b, block] : llvm::enumerate(blocks))
    for (size_t c = 0; c < block.calls.size(); ++c)
      keyPrefix[{b, c}] = callNames[b][c] + ".";

  std::string body;
  constexpr size_t kMinRepeat = 3;
  for (size_t i = 0; i < items.size();) {
    const Item &item = items[i];
    if (!item.block) {
      const Statement &statement = model.statements[item.statement];
      body += "  " + statement.name + " = ";
      for (const Token &token : statement.expr.getTokens())
        body += token.kind == Token::Ref ? visibleName(token.text) : token.text;
      body += "\n";
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < items.size() && continues(items[end - 1], items[end]))
      ++end;
    const Block &block = blocks[*item.block];
    const Region &first = block.calls[item.call];
    std::vector<std::string> literals = varyingLiterals(*item.block, item.call);
    if (end - i >= kMinRepeat) {
      // The carried name: the calls' names without their index
      // ("middle_middle_0" ... "_7": `middle_middle`).
      std::string base = StringRef(callNames[*item.block][item.call])
                             .rtrim("0123456789")
                             .rtrim("_")
                             .str();
      if (base.empty())
        base = block.name + "_chain";
      std::string carried = base;
      for (int suffix = 1;
           bodyNames.count(carried) || carried == model.inputName; ++suffix)
        carried = base + "_" + std::to_string(suffix);
      bodyNames.insert(carried);
      body += "  " + carried + " = " + visibleName(first.inputs[0]) + "\n";
      body += "  repeat " + std::to_string(end - i) + " {\n    " + carried +
              " = " + block.name + "(" +
              llvm::join(llvm::concat<const std::string>(
                             llvm::ArrayRef(carried), literals),
                         ", ") +
              ")\n  }\n";
      for (size_t k = i; k < end; ++k)
        keyPrefix[{*items[k].block, items[k].call}] =
            carried + "." + std::to_string(k - i) + ".";
      const Region &last = block.calls[items[end - 1].call];
      visible[model.statements[last.statements.back()].name] = carried;
      i = end;
      continue;
    }
    std::vector<std::string> arguments;
    for (const std::string &input : first.inputs)
      arguments.push_back(visibleName(input));
    llvm::append_range(arguments, literals);
    body += "  " + callNames[*item.block][item.call] + " = " + block.name +
            "(" + llvm::join(arguments, ", ") + ")\n";
    ++i;
  }
  text += body;

  // The parameters, keyed as the rendered ops name them.
  for (auto [index, statement] : llvm::enumerate(model.statements)) {
    std::string prefix = statement.name + ".";
    if (auto where = placement.find(index); where != placement.end()) {
      auto [b, c] = where->second;
      const Region &call = blocks[b].calls[c];
      size_t position =
          llvm::find(call.statements, index) - call.statements.begin();
      const std::string &relative = call.relativeNames[position];
      prefix = keyPrefix[{b, c}] + (relative.empty() ? "" : relative + ".");
    }
    for (StatementWeight &weight : statement.weights)
      imported.weights.push_back({prefix + weight.suffix,
                                  std::move(weight.shape),
                                  std::move(weight.data)});
  }
  text += "\n  output " + model.outputName + " = " +
          visibleName(model.outputValue) + "\n}\n";
  imported.source = std::move(text);
  return imported;
}

} // namespace

ImportedModel writeModel(ModelDescription model) {
  return Writer(std::move(model)).run();
}

} // namespace inception
