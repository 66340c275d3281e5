#ifndef _STDIO_H
#define _STDIO_H
#include <stddef.h>
int printf(const char *fmt, ...);
int puts(const char *s);
int putchar(int c);
#endif
