/*===- safetensors.h - The one safetensors reader, in C ----------*- C -*-===*
 *
 * Parses and checks a safetensors image (an 8-byte little-endian header
 * length, a JSON header, then the tensors' bytes) in memory, without copying
 * the data: each tensor is a view into the image. Every declared length,
 * offset, shape and dtype is checked before it is trusted, so a truncated or
 * lying file is an error with a message, never an out-of-bounds read. The
 * compiler's frontend (frontend/SafeTensors.cpp) and the runtime's weight
 * loader share it; it allocates only while parsing and needs only libc.
 *
 *===----------------------------------------------------------------------===*/

#ifndef INCEPTION_RUNTIME_SAFETENSORS_H
#define INCEPTION_RUNTIME_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The dtypes of the format, in the order of inception_st_dtype_names. */
typedef enum {
  INCEPTION_ST_F64,
  INCEPTION_ST_F32,
  INCEPTION_ST_F16,
  INCEPTION_ST_BF16,
  INCEPTION_ST_F8_E4M3,
  INCEPTION_ST_F8_E5M2,
  INCEPTION_ST_I64,
  INCEPTION_ST_I32,
  INCEPTION_ST_I16,
  INCEPTION_ST_I8,
  INCEPTION_ST_U64,
  INCEPTION_ST_U32,
  INCEPTION_ST_U16,
  INCEPTION_ST_U8,
  INCEPTION_ST_BOOL,
} inception_st_dtype;

/* The format's spelling ("F32"), and the bytes of one element. */
const char *inception_st_dtype_name(inception_st_dtype dtype);
size_t inception_st_dtype_size(inception_st_dtype dtype);

typedef struct {
  const char *name; /* decoded from JSON, NUL-terminated */
  size_t name_length;
  inception_st_dtype dtype;
  size_t rank;
  const int64_t *shape;
  const void *data; /* in the image */
  uint64_t byte_size;
  uint64_t offset; /* of `data` from the start of the data section */
} inception_st_tensor;

typedef struct inception_st_file inception_st_file;

/* The largest JSON header accepted; real headers are a few hundred KiB. */
#define INCEPTION_ST_MAX_HEADER_SIZE (100u << 20)
/* The deepest nesting of JSON arrays and objects accepted. */
#define INCEPTION_ST_MAX_DEPTH 32

/* Parses and checks the `size` bytes at `image`, which must outlive the
 * result. Returns 0 and sets *file, or returns -1 and writes a message
 * (without the file's name, which the caller knows) into `error`
 * (`error_size` bytes, NUL-terminated, truncated to fit). */
int inception_st_parse(const void *image, size_t size, inception_st_file **file,
                       char *error, size_t error_size);
void inception_st_free(inception_st_file *file);

/* The tensors, in the order of their data; the one named `name`, or NULL. */
size_t inception_st_count(const inception_st_file *file);
const inception_st_tensor *inception_st_at(const inception_st_file *file,
                                           size_t index);
const inception_st_tensor *inception_st_find(const inception_st_file *file,
                                             const char *name,
                                             size_t name_length);

/* Whether a state_dict key is bookkeeping that no model reads (a batch
 * norm's num_batches_tracked), which weight files may hold and readers
 * ignore. */
int inception_st_is_bookkeeping_key(const char *name, size_t name_length);

#ifdef __cplusplus
}
#endif

#endif /* INCEPTION_RUNTIME_SAFETENSORS_H */
