#ifndef _UNISTD_H
#define _UNISTD_H
#include <stddef.h>
void *sbrk(long increment);
int brk(void *addr);
int getpid(void);
ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
int close(int fd);
#endif
