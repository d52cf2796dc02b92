# Writes the file INPUT as a C++ raw string literal to OUTPUT.
file(READ ${INPUT} text)
file(WRITE ${OUTPUT} "R\"inception_abi(${text})inception_abi\"\n")
