//===- Target.cpp - The one description of the compilation target ---------===//

#include "compiler/Target.h"
#include "compiler/CPU/MicrokernelObjects.h"
#include "compiler/Error.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <algorithm>
#include <unistd.h>

using namespace llvm;

namespace inception {


/// A byte count with an optional K, M or G suffix (either case), as sysfs
/// and --cache-sizes write them ("48K", "2048K", "32M").
static std::optional<int64_t> parseSize(StringRef text) {
  StringRef digits = text.trim();
  int64_t scale = 1;
  if (digits.consume_back("K") || digits.consume_back("k"))
    scale = 1 << 10;
  else if (digits.consume_back("M") || digits.consume_back("m"))
    scale = 1 << 20;
  else if (digits.consume_back("G") || digits.consume_back("g"))
    scale = 1 << 30;
  uint64_t value;
  if (digits.getAsInteger(10, value) || value == 0 || value > (1ull << 20))
    return std::nullopt;
  return int64_t(value) * scale;
}

static std::string readFile(const Twine &path) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/true);
  return buffer ? (*buffer)->getBuffer().trim().str() : std::string();
}

CacheSizes readSysfsCacheSizes(StringRef cacheDir) {
  CacheSizes caches;
  for (int index = 0; index < 16; ++index) {
    std::string dir = (cacheDir + "/index" + Twine(index)).str();
    std::string type = readFile(dir + "/type");
    if (type.empty())
      break;
    if (type == "Instruction")
      continue;
    std::optional<int64_t> size = parseSize(readFile(dir + "/size"));
    int level = 0;
    if (!size || StringRef(readFile(dir + "/level")).getAsInteger(10, level))
      continue;
    int64_t *slot = level == 1   ? &caches.l1
                    : level == 2 ? &caches.l2
                    : level == 3 ? &caches.l3
                                 : nullptr;
    if (slot && !*slot)
      *slot = *size;
  }
  return caches;
}

CacheSizes hostCacheSizes(std::string *source) {
  CacheSizes sysfs =
      readSysfsCacheSizes("/sys/devices/system/cpu/cpu0/cache");
  CacheSizes sysconfSizes = {
      std::max<long>(sysconf(_SC_LEVEL1_DCACHE_SIZE), 0),
      std::max<long>(sysconf(_SC_LEVEL2_CACHE_SIZE), 0),
      std::max<long>(sysconf(_SC_LEVEL3_CACHE_SIZE), 0)};
  CacheSizes caches;
  SmallVector<StringRef, 3> sources;
  auto choose = [&](int64_t CacheSizes::*level) {
    StringRef from = sysfs.*level         ? "sysfs"
                     : sysconfSizes.*level ? "sysconf"
                                           : "defaults";
    caches.*level = sysfs.*level           ? sysfs.*level
                    : sysconfSizes.*level ? sysconfSizes.*level
                                          : kDefaultCacheSizes.*level;
    if (!llvm::is_contained(sources, from))
      sources.push_back(from);
  };
  choose(&CacheSizes::l1);
  choose(&CacheSizes::l2);
  choose(&CacheSizes::l3);
  if (source)
    *source = llvm::join(sources, ",");
  return caches;
}

Expected<CacheSizes> parseCacheSizes(StringRef text) {
  SmallVector<StringRef> parts;
  text.split(parts, ',');
  auto bad = [&](const Twine &why) {
    return compilerError("--cache-sizes='" + text + "': " + why);
  };
  if (parts.size() != 3)
    return bad("give the L1, L2 and L3 data cache sizes, as in 48K,2M,32M");
  int64_t sizes[3];
  for (auto [index, part] : llvm::enumerate(parts)) {
    std::optional<int64_t> size = parseSize(part);
    if (!size)
      return bad("'" + part + "' is not a size such as 48K or 2M");
    sizes[index] = *size;
  }
  return CacheSizes{sizes[0], sizes[1], sizes[2]};
}

Expected<std::unique_ptr<TargetMachine>>
createTargetMachine(const TargetDescription &description, unsigned optLevel) {
  static const bool initialized = [] {
    InitializeAllTargetInfos();
    InitializeAllTargets();
    InitializeAllTargetMCs();
    InitializeAllAsmPrinters();
    return true;
  }();
  (void)initialized;
  Triple triple(description.triple);
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return compilerError("unknown target '" + triple.str() + "': " + error);
  const std::string &cpu = description.cpu;
  std::unique_ptr<MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(triple, cpu, ""));
  if (cpu != "generic" && !subtarget->isCPUStringValid(cpu))
    return compilerError("unknown CPU '" + cpu + "' for target '" +
                       triple.str() + "'");
  auto codeGenLevel = std::min(optLevel, 3u) == 0 ? CodeGenOptLevel::None
                                                  : CodeGenOptLevel::Aggressive;
  std::unique_ptr<TargetMachine> machine(target->createTargetMachine(
      triple, cpu, description.features, llvm::TargetOptions(), Reloc::PIC_,
      std::nullopt, codeGenLevel));
  if (!machine)
    return compilerError("cannot create a target machine for '" + triple.str() +
                       "'");
  return std::move(machine);
}

/// The convolution microkernel's blocking: the register tile of the widest
/// ISA level the kernels were built for whose every feature the CPU has
/// (compiler/CPU/MicrokernelObjects.h: 6 x 64 for x86-64-v4's AVX-512,
/// 6 x 16 for x86-64-v3's AVX2), kc so
/// that a kc x nr panel of the packed im2col fills half of L1, and nc so
/// that the kc x nc block fills a quarter of L2 (at most 8 panels).
static std::optional<MicrokernelTiling>
microkernelTiling(const TargetMachine &machine, const CacheSizes &caches) {
  if (!machine.getTargetTriple().isX86())
    return std::nullopt;
  const MCSubtargetInfo *subtarget = machine.getMCSubtargetInfo();
  auto levels = microkernelObjects();
  const MicrokernelObject *level =
      llvm::find_if(levels, [&](const MicrokernelObject &candidate) {
        return subtarget->checkFeatures(candidate.features);
      });
  if (level == levels.end())
    return std::nullopt;
  MicrokernelTiling tiling = {level->mr, level->nr, level->vl, 0, 0, 0, 0};
  int64_t floats = sizeof(float);
  tiling.kc =
      std::clamp<int64_t>(caches.l1 / 2 / (tiling.nr * floats) / 16 * 16, 64, 512);
  tiling.nc = std::clamp<int64_t>(caches.l2 / 4 / (tiling.kc * floats) / tiling.nr,
                                  1, INCEPTION_UK_MAX_NC_PANELS) *
              tiling.nr;
  tiling.l2 = caches.l2;
  tiling.l1 = caches.l1;
  return tiling;
}

Expected<TargetDescription> TargetDescription::create(const TargetRequest &request) {
  TargetDescription target;
  bool cross = !request.triple.empty();
  target.triple = cross ? Triple::normalize(request.triple)
                        : sys::getProcessTriple();
  if (!cross && (request.cpu.empty() || request.cpu == "native")) {
    target.cpu = sys::getHostCPUName().str();
    SubtargetFeatures features;
    for (const auto &[feature, enabled] : sys::getHostCPUFeatures())
      features.AddFeature(feature, enabled);
    target.features = features.getString();
  } else {
    target.cpu = request.cpu.empty() || request.cpu == "native" ? "generic"
                                                                : request.cpu;
  }
  if (!request.cacheSizes.empty()) {
    auto caches = parseCacheSizes(request.cacheSizes);
    if (!caches)
      return caches.takeError();
    target.caches = *caches;
    target.cacheSource = "--cache-sizes";
  } else if (cross) {
    target.caches = kDefaultCacheSizes;
    target.cacheSource = "defaults";
  } else {
    target.caches = hostCacheSizes(&target.cacheSource);
  }
  if (request.threads < 0 || request.threads > 4096)
    return compilerError("--threads must be in [0, 4096], got " +
                       Twine(request.threads));
  target.threads = request.threads;
  auto machine = createTargetMachine(target, 3);
  if (!machine)
    return machine.takeError();
  // The kernels are compiled by the system C compiler for the host's
  // architecture: none for cross compilation.
  if (!cross)
    target.microkernel = microkernelTiling(**machine, target.caches);
  return target;
}

mlir::inception::TargetAttr TargetDescription::toAttr(mlir::MLIRContext *context) const {
  context->getOrLoadDialect<mlir::inception::InceptionDialect>();
  MicrokernelTiling none = {0, 0, 0, 0, 0, 0, 0};
  const MicrokernelTiling &tile = microkernel ? *microkernel : none;
  return mlir::inception::TargetAttr::get(
      context, triple, cpu, features, tile.vl, caches.l1, caches.l2, caches.l3,
      tile.mr, tile.nr, tile.kc, tile.nc, threads);
}

Expected<TargetDescription>
TargetDescription::fromAttr(mlir::inception::TargetAttr attr) {
  if (!attr)
    return compilerError("the module has no target (inception.target)");
  TargetDescription target;
  target.triple = attr.getTriple().str();
  target.cpu = attr.getCpu().str();
  target.features = attr.getFeatures().str();
  target.caches = {attr.getL1(), attr.getL2(), attr.getL3()};
  target.cacheSource = "the module";
  if (attr.hasMicrokernels())
    target.microkernel =
        MicrokernelTiling{attr.getMr(), attr.getNr(), attr.getVectorWidth(),
                          attr.getKc(), attr.getNc(), attr.getL2(), attr.getL1()};
  target.threads = attr.getThreads();
  return target;
}

static std::string formatBytes(int64_t bytes) {
  if (bytes % (1 << 20) == 0)
    return std::to_string(bytes >> 20) + "M";
  if (bytes % (1 << 10) == 0)
    return std::to_string(bytes >> 10) + "K";
  return std::to_string(bytes);
}

void TargetDescription::print(raw_ostream &os) const {
  os << "triple: " << triple << "\n";
  os << "cpu: " << cpu << "\n";
  os << "caches: L1 " << formatBytes(caches.l1) << ", L2 "
     << formatBytes(caches.l2) << ", L3 " << formatBytes(caches.l3) << " ("
     << cacheSource << ")\n";
  if (microkernel)
    os << "microkernel: register tile " << microkernel->mr << " x "
       << microkernel->nr << " (vectors of " << microkernel->vl
       << " floats), kc " << microkernel->kc << ", nc " << microkernel->nc
       << ", Winograd task budget " << inception_uk_winograd_budget(microkernel->l2) / 1024
       << "K, blocked filter runs " << microkernel->l1 / 2 / 1024 << "K\n";
  else
    os << "microkernel: none (convolutions stay loops)\n";
  os << "threads: "
     << (threads ? std::to_string(threads)
                 : std::string("OMP_NUM_THREADS, else every core"))
     << "\n";
}

} // namespace inception
