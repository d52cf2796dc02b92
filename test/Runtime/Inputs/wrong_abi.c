/* A library that claims to be a model built for a future ABI version. */
#include "inception/model_abi.h"
static const inception_model_info info = {99, "99.0", "future", 0, 0, 0, 0, 0, 64, 0};
const inception_model_info *inception_model_info_v1(void) { return &info; }
