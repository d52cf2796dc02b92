# Writes the files INPUT (a ;-separated list, concatenated) as a C++ raw
# string literal to OUTPUT (files to embed must not contain
# `)inception_abi"`).
set(text "")
foreach(file ${INPUT})
  file(READ ${file} contents)
  string(APPEND text "${contents}")
endforeach()
file(WRITE ${OUTPUT} "R\"inception_abi(${text})inception_abi\"\n")
