/*===- safetensors.c - The one safetensors reader, in C -------------------===*
 *
 * The header is read twice: once to check that it is JSON (RFC 8259, with a
 * nesting limit), then to take its entries, which are checked against each
 * other and against the data section. The second pass may then trust the
 * syntax.
 *
 *===----------------------------------------------------------------------===*/

#include "safetensors.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dtype_names[] = {
    "F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2", "I64", "I32",
    "I16", "I8",  "U64", "U32",  "U16",     "U8",      "BOOL"};
static const size_t dtype_sizes[] = {8, 4, 2, 2, 1, 1, 8, 4,
                                     2, 1, 8, 4, 2, 1, 1};
#define DTYPE_COUNT (sizeof(dtype_names) / sizeof(dtype_names[0]))

const char *inception_st_dtype_name(inception_st_dtype dtype) {
  return (size_t)dtype < DTYPE_COUNT ? dtype_names[dtype] : "?";
}

size_t inception_st_dtype_size(inception_st_dtype dtype) {
  return (size_t)dtype < DTYPE_COUNT ? dtype_sizes[dtype] : 0;
}

struct inception_st_file {
  inception_st_tensor *tensors; /* in the order of their data */
  size_t count;
  const inception_st_tensor **by_name; /* the tensors, sorted by name */
};

typedef struct {
  const char *begin, *at, *end;
  char *error;
  size_t error_size;
} reader;

static int fail(reader *r, const char *format, ...) {
  if (r->error_size) {
    va_list args;
    va_start(args, format);
    vsnprintf(r->error, r->error_size, format, args);
    va_end(args);
  }
  return -1;
}

static void skip_space(reader *r) {
  while (r->at < r->end && (*r->at == ' ' || *r->at == '\t' ||
                            *r->at == '\n' || *r->at == '\r'))
    ++r->at;
}

static int syntax(reader *r, const char *what) {
  return fail(r, "header is not valid JSON: at byte %zu: %s",
              (size_t)(r->at - r->begin), what);
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Four hex digits at r->at, or -1. */
static long hex4(reader *r) {
  if (r->end - r->at < 4)
    return -1;
  long value = 0;
  for (int i = 0; i < 4; ++i) {
    int digit = hex_digit(r->at[i]);
    if (digit < 0)
      return -1;
    value = value * 16 + digit;
  }
  r->at += 4;
  return value;
}

static size_t put_utf8(char *out, unsigned long code) {
  if (code < 0x80) {
    out[0] = (char)code;
    return 1;
  }
  if (code < 0x800) {
    out[0] = (char)(0xc0 | (code >> 6));
    out[1] = (char)(0x80 | (code & 0x3f));
    return 2;
  }
  if (code < 0x10000) {
    out[0] = (char)(0xe0 | (code >> 12));
    out[1] = (char)(0x80 | ((code >> 6) & 0x3f));
    out[2] = (char)(0x80 | (code & 0x3f));
    return 3;
  }
  out[0] = (char)(0xf0 | (code >> 18));
  out[1] = (char)(0x80 | ((code >> 12) & 0x3f));
  out[2] = (char)(0x80 | ((code >> 6) & 0x3f));
  out[3] = (char)(0x80 | (code & 0x3f));
  return 4;
}

/* A string at r->at (its opening quote). With `out`, decodes it into a new
 * NUL-terminated buffer (*out, *length); escapes never lengthen a string,
 * so the encoded length bounds the decoded one. */
static int read_string(reader *r, char **out, size_t *length) {
  if (r->at >= r->end || *r->at != '"')
    return syntax(r, "expected a string");
  const char *start = ++r->at;
  char *decoded = NULL;
  size_t size = 0;
  if (out) {
    /* Find the closing quote first, to size the buffer. */
    const char *p = start;
    while (p < r->end && *p != '"')
      p += *p == '\\' ? 2 : 1;
    decoded = malloc((size_t)(p - start) + 1);
    if (!decoded)
      return fail(r, "out of memory reading the header");
  }
  while (r->at < r->end && *r->at != '"') {
    unsigned char c = (unsigned char)*r->at;
    if (c < 0x20) {
      free(decoded);
      return syntax(r, "control character in a string");
    }
    if (c != '\\') {
      if (decoded)
        decoded[size++] = (char)c;
      ++r->at;
      continue;
    }
    if (++r->at >= r->end)
      break;
    char escape = *r->at++;
    const char *simple = strchr("\"\\/bfnrt", escape);
    if (escape && simple) {
      if (decoded)
        decoded[size++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
      continue;
    }
    long code = escape == 'u' ? hex4(r) : -1;
    if (code >= 0xd800 && code < 0xdc00) {
      /* A high surrogate takes the low one of its pair. */
      long low = -1;
      if (r->end - r->at >= 2 && r->at[0] == '\\' && r->at[1] == 'u') {
        r->at += 2;
        low = hex4(r);
      }
      code = low >= 0xdc00 && low < 0xe000
                 ? 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
                 : -1;
    } else if (code >= 0xdc00 && code < 0xe000) {
      code = -1;
    }
    if (code < 0) {
      free(decoded);
      return syntax(r, "invalid escape in a string");
    }
    if (decoded)
      size += put_utf8(decoded + size, (unsigned long)code);
  }
  if (r->at >= r->end) {
    free(decoded);
    return syntax(r, "unterminated string");
  }
  ++r->at;
  if (out) {
    decoded[size] = '\0';
    *out = decoded;
    *length = size;
  }
  return 0;
}

/* A number. *integer is set when it has no fraction or exponent and fits
 * in int64 (its value in *value). */
static int read_number(reader *r, bool *integer, int64_t *value) {
  bool negative = r->at < r->end && *r->at == '-';
  if (negative)
    ++r->at;
  if (r->at >= r->end || *r->at < '0' || *r->at > '9')
    return syntax(r, "expected a value");
  bool fits = true;
  uint64_t magnitude = 0;
  if (*r->at == '0') {
    ++r->at;
  } else {
    for (; r->at < r->end && *r->at >= '0' && *r->at <= '9'; ++r->at) {
      unsigned digit = (unsigned)(*r->at - '0');
      if (magnitude > (UINT64_MAX - digit) / 10)
        fits = false;
      else
        magnitude = magnitude * 10 + digit;
    }
  }
  bool whole = true;
  if (r->at < r->end && *r->at == '.') {
    whole = false;
    if (++r->at >= r->end || *r->at < '0' || *r->at > '9')
      return syntax(r, "expected a digit after '.'");
    while (r->at < r->end && *r->at >= '0' && *r->at <= '9')
      ++r->at;
  }
  if (r->at < r->end && (*r->at == 'e' || *r->at == 'E')) {
    whole = false;
    ++r->at;
    if (r->at < r->end && (*r->at == '+' || *r->at == '-'))
      ++r->at;
    if (r->at >= r->end || *r->at < '0' || *r->at > '9')
      return syntax(r, "expected a digit in an exponent");
    while (r->at < r->end && *r->at >= '0' && *r->at <= '9')
      ++r->at;
  }
  uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  *integer = whole && fits && magnitude <= limit;
  if (*integer)
    *value = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
  return 0;
}

static int skip_value(reader *r, int depth);

/* An array or object at r->at, its elements skipped. */
static int skip_container(reader *r, int depth) {
  bool object = *r->at == '{';
  char close = object ? '}' : ']';
  if (depth >= INCEPTION_ST_MAX_DEPTH)
    return fail(r, "header nests deeper than %d levels",
                INCEPTION_ST_MAX_DEPTH);
  ++r->at;
  skip_space(r);
  if (r->at < r->end && *r->at == close) {
    ++r->at;
    return 0;
  }
  for (;;) {
    skip_space(r);
    if (object) {
      if (r->at >= r->end || *r->at != '"')
        return syntax(r, "expected an object key");
      if (read_string(r, NULL, NULL))
        return -1;
      skip_space(r);
      if (r->at >= r->end || *r->at != ':')
        return syntax(r, "expected ':'");
      ++r->at;
    }
    if (skip_value(r, depth + 1))
      return -1;
    skip_space(r);
    if (r->at < r->end && *r->at == ',') {
      ++r->at;
      continue;
    }
    if (r->at < r->end && *r->at == close) {
      ++r->at;
      return 0;
    }
    return syntax(r, object ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static int skip_value(reader *r, int depth) {
  skip_space(r);
  if (r->at >= r->end)
    return syntax(r, "expected a value");
  switch (*r->at) {
  case '{':
  case '[':
    return skip_container(r, depth);
  case '"':
    return read_string(r, NULL, NULL);
  case 't':
  case 'f':
  case 'n': {
    const char *word = *r->at == 't' ? "true" : *r->at == 'f' ? "false" : "null";
    size_t length = strlen(word);
    if ((size_t)(r->end - r->at) < length || memcmp(r->at, word, length))
      return syntax(r, "expected a value");
    r->at += length;
    return 0;
  }
  default: {
    bool integer;
    int64_t value;
    return read_number(r, &integer, &value);
  }
  }
}

/* One tensor's entry, as the second pass finds it. */
typedef struct {
  char *name;
  size_t name_length;
  const char *value; /* the entry's JSON value */
} entry;

/* Whether the decoded JSON string `text` (which may hold NULs) is
 * `literal`. */
static bool is_text(const char *text, size_t length, const char *literal) {
  return length == strlen(literal) && !memcmp(text, literal, length);
}

static int compare_names(const char *a, size_t a_length, const char *b,
                         size_t b_length) {
  int order = memcmp(a, b, a_length < b_length ? a_length : b_length);
  return order ? order : (a_length > b_length) - (a_length < b_length);
}

static int compare_entries(const void *a, const void *b) {
  const entry *x = a, *y = b;
  return compare_names(x->name, x->name_length, y->name, y->name_length);
}

/* Moves r->at to the value of the next key of the object being read, or
 * returns 1 at its end; *key gets the decoded key when `key` is set. */
static int next_member(reader *r, bool first, char **key, size_t *length) {
  skip_space(r);
  if (*r->at == '}') {
    ++r->at;
    return 1;
  }
  if (!first) {
    ++r->at; /* ',' */
    skip_space(r);
  }
  char *name = NULL;
  size_t name_length = 0;
  if (read_string(r, key ? &name : NULL, &name_length))
    return -1;
  if (key) {
    *key = name;
    *length = name_length;
  }
  skip_space(r);
  ++r->at; /* ':' */
  skip_space(r);
  return 0;
}

/* An array of integers of at most `capacity` elements at r->at: their
 * count, or -1 when it is no array; *all_integers is cleared when an
 * element is no int64. Reads past the elements beyond `capacity`. */
static long read_integers(reader *r, int64_t *values, size_t capacity,
                          bool *all_integers) {
  skip_space(r);
  if (*r->at != '[')
    return skip_value(r, 1) ? -2 : -1;
  ++r->at;
  long count = 0;
  *all_integers = true;
  skip_space(r);
  if (*r->at == ']') {
    ++r->at;
    return 0;
  }
  for (;;) {
    skip_space(r);
    bool integer = false;
    int64_t value = 0;
    if (*r->at == '-' || (*r->at >= '0' && *r->at <= '9')) {
      if (read_number(r, &integer, &value))
        return -2;
    } else if (skip_value(r, 2)) {
      return -2;
    }
    if (!integer)
      *all_integers = false;
    if ((size_t)count < capacity)
      values[count] = value;
    ++count;
    skip_space(r);
    if (*r->at++ == ']')
      return count;
  }
}

/* The entry's dtype, shape and offsets, checked and turned into a tensor
 * over `data` (`data_size` bytes). */
static int read_tensor(reader *r, const entry *e, const char *data,
                       uint64_t data_size, inception_st_tensor *tensor) {
  const char *name = tensor->name;
  r->at = e->value;
  skip_space(r);
  if (*r->at != '{')
    return fail(r, "tensor '%s': entry is not an object", name);
  ++r->at;
  const char *dtype_at = NULL, *shape_at = NULL, *offsets_at = NULL;
  int member;
  for (bool first = true;; first = false) {
    char *key = NULL;
    size_t key_length = 0;
    if ((member = next_member(r, first, &key, &key_length)) != 0)
      break;
    const char **slot =
        is_text(key, key_length, "dtype")          ? &dtype_at
        : is_text(key, key_length, "shape")        ? &shape_at
        : is_text(key, key_length, "data_offsets") ? &offsets_at
                                                   : NULL;
    if (slot && *slot) {
      int status = fail(r, "tensor '%s': key '%s' appears twice", name, key);
      free(key);
      return status;
    }
    free(key);
    if (slot)
      *slot = r->at;
    if (skip_value(r, 2))
      return -1;
  }
  if (member < 0)
    return -1;

  /* dtype */
  char *dtype_text = NULL;
  size_t dtype_length = 0;
  r->at = dtype_at;
  if (!dtype_at || *dtype_at != '"' ||
      read_string(r, &dtype_text, &dtype_length))
    return fail(r, "tensor '%s': missing string 'dtype'", name);
  size_t dtype = 0;
  while (dtype < DTYPE_COUNT &&
         !is_text(dtype_text, dtype_length, dtype_names[dtype]))
    ++dtype;
  if (dtype == DTYPE_COUNT) {
    int status = fail(r, "tensor '%s': unknown dtype '%s'", name, dtype_text);
    free(dtype_text);
    return status;
  }
  free(dtype_text);
  tensor->dtype = (inception_st_dtype)dtype;

  /* shape and data_offsets: their presence first, then their values. */
  if (!shape_at || *shape_at != '[')
    return fail(r, "tensor '%s': missing array 'shape'", name);
  int64_t offsets[2] = {0, 0};
  bool offsets_integers = false;
  long offset_count = -1;
  if (offsets_at) {
    r->at = offsets_at;
    offset_count = read_integers(r, offsets, 2, &offsets_integers);
    if (offset_count == -2)
      return -1;
  }
  if (offset_count != 2)
    return fail(r,
                "tensor '%s': 'data_offsets' must be an array of two integers",
                name);
  /* The shape's length first, then its values. */
  bool shape_integers = false;
  r->at = shape_at;
  long rank = read_integers(r, NULL, 0, &shape_integers);
  if (rank == -2)
    return -1;
  int64_t *shape = malloc((rank > 0 ? (size_t)rank : 1) * sizeof(int64_t));
  if (!shape)
    return fail(r, "out of memory reading the header");
  r->at = shape_at;
  rank = read_integers(r, shape, (size_t)rank, &shape_integers);
  tensor->shape = shape;
  tensor->rank = rank > 0 ? (size_t)rank : 0;
  if (rank == -2)
    return -1;
  uint64_t byte_size = dtype_sizes[dtype];
  for (long i = 0; i < rank; ++i) {
    if (!shape_integers || shape[i] < 0)
      return fail(r, "tensor '%s': shape entries must be non-negative integers",
                  name);
  }
  for (long i = 0; i < rank; ++i)
    if (__builtin_mul_overflow(byte_size, (uint64_t)shape[i], &byte_size))
      return fail(r, "tensor '%s': declared shape overflows 64-bit byte size",
                  name);
  if (!offsets_integers || offsets[0] < 0 || offsets[1] < 0)
    return fail(r, "tensor '%s': 'data_offsets' must be non-negative integers",
                name);
  uint64_t begin = (uint64_t)offsets[0], end = (uint64_t)offsets[1];
  if (begin > end)
    return fail(r, "tensor '%s': data_offsets [%llu, %llu] are reversed",
                name, (unsigned long long)begin, (unsigned long long)end);
  if (end > data_size)
    return fail(r,
                "tensor '%s': data_offsets [%llu, %llu] run past the %llu "
                "bytes of data",
                name, (unsigned long long)begin, (unsigned long long)end,
                (unsigned long long)data_size);
  if (end - begin != byte_size)
    return fail(r,
                "tensor '%s': data_offsets [%llu, %llu] hold %llu bytes but "
                "dtype %s and the shape need %llu",
                name, (unsigned long long)begin, (unsigned long long)end,
                (unsigned long long)(end - begin), dtype_names[dtype],
                (unsigned long long)byte_size);
  tensor->data = data + begin;
  tensor->byte_size = byte_size;
  tensor->offset = begin;
  return 0;
}

static int compare_offsets(const void *a, const void *b) {
  const inception_st_tensor *x = a, *y = b;
  if (x->offset != y->offset)
    return x->offset < y->offset ? -1 : 1;
  return (x->byte_size > y->byte_size) - (x->byte_size < y->byte_size);
}

static int compare_by_name(const void *a, const void *b) {
  const inception_st_tensor *x = *(const inception_st_tensor *const *)a;
  const inception_st_tensor *y = *(const inception_st_tensor *const *)b;
  return compare_names(x->name, x->name_length, y->name, y->name_length);
}

void inception_st_free(inception_st_file *file) {
  if (!file)
    return;
  for (size_t i = 0; i < file->count; ++i) {
    free((void *)file->tensors[i].name);
    free((void *)file->tensors[i].shape);
  }
  free(file->tensors);
  free((void *)file->by_name);
  free(file);
}

/* The entries of the top-level object, checked to name no tensor twice. */
static int read_entries(reader *r, entry **entries, size_t *count) {
  size_t capacity = 16;
  *entries = malloc(capacity * sizeof(entry));
  *count = 0;
  if (!*entries)
    return fail(r, "out of memory reading the header");
  skip_space(r);
  ++r->at; /* '{' */
  int member;
  for (bool first = true;; first = false) {
    char *name = NULL;
    size_t length = 0;
    if ((member = next_member(r, first, &name, &length)) != 0)
      break;
    if (*count == capacity) {
      entry *grown = realloc(*entries, 2 * capacity * sizeof(entry));
      if (!grown) {
        free(name);
        return fail(r, "out of memory reading the header");
      }
      *entries = grown;
      capacity *= 2;
    }
    (*entries)[(*count)++] = (entry){name, length, r->at};
    if (skip_value(r, 1))
      return -1;
  }
  if (member < 0)
    return -1;
  entry *sorted = malloc((*count ? *count : 1) * sizeof(entry));
  if (!sorted)
    return fail(r, "out of memory reading the header");
  memcpy(sorted, *entries, *count * sizeof(entry));
  qsort(sorted, *count, sizeof(entry), compare_entries);
  for (size_t i = 1; i < *count; ++i)
    if (!compare_entries(&sorted[i - 1], &sorted[i])) {
      int status =
          fail(r, "tensor '%s' is declared twice", sorted[i].name);
      free(sorted);
      return status;
    }
  free(sorted);
  return 0;
}

/* '__metadata__': an object of strings. */
static int check_metadata(reader *r, const entry *e) {
  r->at = e->value;
  skip_space(r);
  if (*r->at != '{')
    return fail(r, "'__metadata__' is not an object");
  ++r->at;
  int member;
  for (bool first = true;; first = false) {
    char *key = NULL;
    size_t length = 0;
    if ((member = next_member(r, first, &key, &length)) != 0)
      break;
    if (*r->at != '"') {
      int status =
          fail(r, "'__metadata__' entry '%s' is not a string", key);
      free(key);
      return status;
    }
    free(key);
    if (read_string(r, NULL, NULL))
      return -1;
  }
  return member < 0 ? -1 : 0;
}

static int parse(reader *r, const char *data, uint64_t data_size,
                 inception_st_file *file) {
  if (skip_value(r, 0))
    return -1;
  skip_space(r);
  if (r->at != r->end)
    return syntax(r, "text after the header's object");
  r->at = r->begin;
  skip_space(r);
  if (*r->at != '{')
    return fail(r, "header is not a JSON object");

  entry *entries = NULL;
  size_t count = 0;
  int status = read_entries(r, &entries, &count);
  if (!status) {
    file->tensors = calloc(count ? count : 1, sizeof(inception_st_tensor));
    if (!file->tensors)
      status = fail(r, "out of memory reading the header");
  }
  for (size_t i = 0; !status && i < count; ++i) {
    if (is_text(entries[i].name, entries[i].name_length, "__metadata__")) {
      status = check_metadata(r, &entries[i]);
      continue;
    }
    inception_st_tensor *tensor = &file->tensors[file->count++];
    tensor->name = entries[i].name;
    tensor->name_length = entries[i].name_length;
    entries[i].name = NULL; /* the tensor owns it */
    status = read_tensor(r, &entries[i], data, data_size, tensor);
  }
  for (size_t i = 0; i < count; ++i)
    free(entries[i].name);
  free(entries);
  if (status)
    return status;

  /* In the order of their data; empty tensors overlap nothing. */
  qsort(file->tensors, file->count, sizeof(inception_st_tensor),
        compare_offsets);
  for (size_t i = 1; i < file->count; ++i) {
    const inception_st_tensor *previous = &file->tensors[i - 1],
                              *tensor = &file->tensors[i];
    if (tensor->offset < previous->offset + previous->byte_size &&
        tensor->byte_size && previous->byte_size)
      return fail(r,
                  "tensors '%s' and '%s' have overlapping data ([%llu, %llu) "
                  "and [%llu, %llu))",
                  previous->name, tensor->name,
                  (unsigned long long)previous->offset,
                  (unsigned long long)(previous->offset + previous->byte_size),
                  (unsigned long long)tensor->offset,
                  (unsigned long long)(tensor->offset + tensor->byte_size));
  }
  file->by_name = malloc((file->count ? file->count : 1) *
                         sizeof(const inception_st_tensor *));
  if (!file->by_name)
    return fail(r, "out of memory reading the header");
  for (size_t i = 0; i < file->count; ++i)
    file->by_name[i] = &file->tensors[i];
  qsort(file->by_name, file->count, sizeof(const inception_st_tensor *),
        compare_by_name);
  return 0;
}

int inception_st_parse(const void *image, size_t size, inception_st_file **out,
                       char *error, size_t error_size) {
  reader r = {NULL, NULL, NULL, error, error_size};
  if (error_size)
    error[0] = '\0';
  *out = NULL;
  if (!image && size)
    return fail(&r, "no image (a null pointer)");
  if (size < 8)
    return fail(&r, "file is %zu bytes, too short for the 8-byte header "
                    "length",
                size);
  const unsigned char *bytes = image;
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i)
    header_size = (header_size << 8) | bytes[i];
  if (header_size > INCEPTION_ST_MAX_HEADER_SIZE)
    return fail(&r, "header length %llu exceeds the limit of %u bytes",
                (unsigned long long)header_size, INCEPTION_ST_MAX_HEADER_SIZE);
  if (header_size > size - 8)
    return fail(&r,
                "header length %llu runs past the end of the file (%zu bytes)",
                (unsigned long long)header_size, size);
  const char *header = (const char *)bytes + 8;
  r.begin = r.at = header;
  r.end = header + header_size;
  inception_st_file *file = calloc(1, sizeof(inception_st_file));
  if (!file)
    return fail(&r, "out of memory reading the header");
  if (parse(&r, r.end, size - 8 - header_size, file)) {
    inception_st_free(file);
    return -1;
  }
  *out = file;
  return 0;
}

size_t inception_st_count(const inception_st_file *file) {
  return file ? file->count : 0;
}

const inception_st_tensor *inception_st_at(const inception_st_file *file,
                                           size_t index) {
  return file && index < file->count ? &file->tensors[index] : NULL;
}

const inception_st_tensor *inception_st_find(const inception_st_file *file,
                                             const char *name,
                                             size_t name_length) {
  if (!file || !name)
    return NULL;
  size_t low = 0, high = file->count;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    const inception_st_tensor *tensor = file->by_name[middle];
    int order = compare_names(tensor->name, tensor->name_length, name,
                              name_length);
    if (!order)
      return tensor;
    if (order < 0)
      low = middle + 1;
    else
      high = middle;
  }
  return NULL;
}

int inception_st_is_bookkeeping_key(const char *name, size_t name_length) {
  static const char suffix[] = "num_batches_tracked";
  size_t length = sizeof(suffix) - 1;
  if (!name || name_length < length ||
      memcmp(name + name_length - length, suffix, length))
    return 0;
  return name_length == length || name[name_length - length - 1] == '.';
}
