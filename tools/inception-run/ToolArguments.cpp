//===- ToolArguments.cpp - Command-line parsing of the runtime tools ------===//

#include "tools/inception-run/ToolArguments.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace inception {

const char kInputFlagsHelp[] =
    "  --input IN.npy        the input (float32, the model's shape)\n"
    "  --random-input=SEED   a deterministic pseudo-random input instead\n";

const char kRunFlagsHelp[] =
    "  --weights W.safetensors  binds the weights of a --weights-at-load "
    "library\n"
    "  --threads N           threads a run uses (default: the library's)\n"
    "  --device cpu|cuda     fails unless the library runs there (it runs "
    "where inceptionc's --backend compiled it for)\n";

bool parseCount(const char *text, long long max, long long &value) {
  char *end = nullptr;
  errno = 0;
  value = std::strtoll(text, &end, 10);
  return !errno && end != text && !*end && value >= 0 && value <= max;
}

const char *flagValue(int argc, char **argv, int &i, const char *flag) {
  size_t length = std::strlen(flag), size = std::strlen(argv[i]);
  if (std::strncmp(argv[i], flag, length) != 0)
    return nullptr;
  if (size > length && argv[i][length] == '=')
    return argv[i] + length + 1;
  if (size == length && i + 1 < argc)
    return argv[++i];
  return nullptr;
}

} // namespace inception
