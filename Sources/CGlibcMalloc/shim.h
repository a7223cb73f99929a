// glibc's malloc.h, for malloc_trim: Swift's Glibc module does not include it.
#include <malloc.h>
