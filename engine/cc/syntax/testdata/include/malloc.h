#ifndef _MALLOC_H
#define _MALLOC_H
#include <stddef.h>
#define M_MXFAST 1
#define M_TRIM_THRESHOLD -1
#define M_TOP_PAD -2
#define M_MMAP_THRESHOLD -3
#define M_MMAP_MAX -4
size_t malloc_usable_size(void *ptr);
int mallopt(int param, int value);
int malloc_trim(size_t pad);
#endif
