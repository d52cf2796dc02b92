# Fails when a kernel's parallel region passes the OpenMP runtime more
# arguments than omp_runtime.c's MAX_ARGS (64): clang passes each captured
# variable as one. Reads the disassembled bitcode BITCODE_TEXT.
file(STRINGS ${BITCODE_TEXT} calls REGEX "@__kmpc_fork_call\\(ptr[^,]*, i32 [0-9]+")
foreach(call ${calls})
  string(REGEX MATCH "@__kmpc_fork_call\\(ptr[^,]*, i32 ([0-9]+)" match "${call}")
  if(CMAKE_MATCH_1 GREATER 64)
    message(FATAL_ERROR "a microkernel's parallel region captures ${CMAKE_MATCH_1} "
                        "variables; omp_runtime.c passes at most 64")
  endif()
endforeach()
