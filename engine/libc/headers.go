package libc

import (
	"sort"
	"strings"
)

// The user-space headers a snippet may #include, as C text in the plain
// subset the mmplay language parses: prototypes, typedefs and #define
// constants, no attributes, no inline bodies, no floating point.
//
// Every constant is the value of Debian 12's headers (glibc 2.36, Linux
// 6.1 UAPI) on x86-64; the file each comes from is named in a comment,
// and TestHeadersMatchSystem compiles each name against the real
// /usr/include and compares the values. Function prototypes have the
// real signatures (checked by gcc's -Werror=builtin-declaration-mismatch
// in the same test), minus restrict qualifiers.

var headers = map[string]string{
	"stddef.h": `#ifndef _STDDEF_H
#define _STDDEF_H
/* stddef.h (gcc 12): LP64 x86-64 */
#ifndef __mmplay_size_t_defined
#define __mmplay_size_t_defined
typedef unsigned long size_t;
#endif
#ifndef __mmplay_ptrdiff_t_defined
#define __mmplay_ptrdiff_t_defined
typedef long ptrdiff_t;
#endif
#ifndef __mmplay_wchar_t_defined
#define __mmplay_wchar_t_defined
typedef int wchar_t;
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif
#define offsetof(type, member) ((size_t)&((type *)0)->member)
#endif
`,
	"stdbool.h": `#ifndef _STDBOOL_H
#define _STDBOOL_H
/* stdbool.h (gcc 12) */
#ifndef __mmplay_bool_defined
#define __mmplay_bool_defined
typedef _Bool bool;
#endif
#define true 1
#define false 0
#define __bool_true_false_are_defined 1
#endif
`,
	"stdint.h": `#ifndef _STDINT_H
#define _STDINT_H
/* stdint.h, bits/stdint-intn.h, bits/stdint-uintn.h (glibc 2.36, x86-64) */
#ifndef __mmplay_int8_t_defined
#define __mmplay_int8_t_defined
typedef signed char int8_t;
#endif
#ifndef __mmplay_int16_t_defined
#define __mmplay_int16_t_defined
typedef short int16_t;
#endif
#ifndef __mmplay_int32_t_defined
#define __mmplay_int32_t_defined
typedef int int32_t;
#endif
#ifndef __mmplay_int64_t_defined
#define __mmplay_int64_t_defined
typedef long int64_t;
#endif
#ifndef __mmplay_uint8_t_defined
#define __mmplay_uint8_t_defined
typedef unsigned char uint8_t;
#endif
#ifndef __mmplay_uint16_t_defined
#define __mmplay_uint16_t_defined
typedef unsigned short uint16_t;
#endif
#ifndef __mmplay_uint32_t_defined
#define __mmplay_uint32_t_defined
typedef unsigned int uint32_t;
#endif
#ifndef __mmplay_uint64_t_defined
#define __mmplay_uint64_t_defined
typedef unsigned long uint64_t;
#endif
#ifndef __mmplay_intptr_t_defined
#define __mmplay_intptr_t_defined
typedef long intptr_t;
#endif
#ifndef __mmplay_uintptr_t_defined
#define __mmplay_uintptr_t_defined
typedef unsigned long uintptr_t;
#endif
#ifndef __mmplay_intmax_t_defined
#define __mmplay_intmax_t_defined
typedef long intmax_t;
#endif
#ifndef __mmplay_uintmax_t_defined
#define __mmplay_uintmax_t_defined
typedef unsigned long uintmax_t;
#endif
#define INT8_MIN (-128)
#define INT16_MIN (-32767-1)
#define INT32_MIN (-2147483647-1)
#define INT64_MIN (-9223372036854775807L-1)
#define INT8_MAX (127)
#define INT16_MAX (32767)
#define INT32_MAX (2147483647)
#define INT64_MAX (9223372036854775807L)
#define UINT8_MAX (255)
#define UINT16_MAX (65535)
#define UINT32_MAX (4294967295U)
#define UINT64_MAX (18446744073709551615UL)
#define INTPTR_MIN (-9223372036854775807L-1)
#define INTPTR_MAX (9223372036854775807L)
#define UINTPTR_MAX (18446744073709551615UL)
#define INTMAX_MIN (-9223372036854775807L-1)
#define INTMAX_MAX (9223372036854775807L)
#define UINTMAX_MAX (18446744073709551615UL)
#define PTRDIFF_MIN (-9223372036854775807L-1)
#define PTRDIFF_MAX (9223372036854775807L)
#define SIZE_MAX (18446744073709551615UL)
#endif
`,
	"limits.h": `#ifndef _LIMITS_H
#define _LIMITS_H
/* limits.h (gcc 12 and glibc 2.36), LP64; PATH_MAX from linux/limits.h */
#define CHAR_BIT 8
#define SCHAR_MIN (-128)
#define SCHAR_MAX 127
#define UCHAR_MAX 255
#define CHAR_MIN (-128)
#define CHAR_MAX 127
#define SHRT_MIN (-32768)
#define SHRT_MAX 32767
#define USHRT_MAX 65535
#define INT_MIN (-2147483647-1)
#define INT_MAX 2147483647
#define UINT_MAX 4294967295U
#define LONG_MIN (-9223372036854775807L-1)
#define LONG_MAX 9223372036854775807L
#define ULONG_MAX 18446744073709551615UL
#define LLONG_MIN (-9223372036854775807LL-1)
#define LLONG_MAX 9223372036854775807LL
#define ULLONG_MAX 18446744073709551615ULL
#define SSIZE_MAX 9223372036854775807L
#define PATH_MAX 4096
#endif
`,
	"sys/types.h": `#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H
/* sys/types.h, bits/types.h (glibc 2.36, x86-64) */
#ifndef __mmplay_size_t_defined
#define __mmplay_size_t_defined
typedef unsigned long size_t;
#endif
#ifndef __mmplay_ssize_t_defined
#define __mmplay_ssize_t_defined
typedef long ssize_t;
#endif
#ifndef __mmplay_off_t_defined
#define __mmplay_off_t_defined
typedef long off_t;
#endif
#ifndef __mmplay_pid_t_defined
#define __mmplay_pid_t_defined
typedef int pid_t;
#endif
#ifndef __mmplay_uid_t_defined
#define __mmplay_uid_t_defined
typedef unsigned int uid_t;
#endif
#ifndef __mmplay_gid_t_defined
#define __mmplay_gid_t_defined
typedef unsigned int gid_t;
#endif
#ifndef __mmplay_mode_t_defined
#define __mmplay_mode_t_defined
typedef unsigned int mode_t;
#endif
#endif
`,
	"errno.h": `#ifndef _ERRNO_H
#define _ERRNO_H
/* asm-generic/errno-base.h and asm-generic/errno.h (Linux 6.1 UAPI) */
/* bits/errno.h (glibc 2.36): errno is the calling thread's, through a function */
int *__errno_location(void);
#define errno (*__errno_location())
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define ENOTBLK 15
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define ETXTBSY 26
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EMLINK 31
#define EPIPE 32
#define EDOM 33
#define ERANGE 34
#define EDEADLK 35
#define ENAMETOOLONG 36
#define ENOLCK 37
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define EWOULDBLOCK EAGAIN
#define EOVERFLOW 75
#define EOPNOTSUPP 95
#define ENOTSUP EOPNOTSUPP
#define ETIMEDOUT 110
#endif
`,
	"stdio.h": `#ifndef _STDIO_H
#define _STDIO_H
/* stdio.h (glibc 2.36) */
#ifndef __mmplay_size_t_defined
#define __mmplay_size_t_defined
typedef unsigned long size_t;
#endif
#ifndef __mmplay_ssize_t_defined
#define __mmplay_ssize_t_defined
typedef long ssize_t;
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif
#ifndef __mmplay_FILE_defined
#define __mmplay_FILE_defined
typedef struct _IO_FILE FILE;
#endif
extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;
#define EOF (-1)
#define BUFSIZ 8192
#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2
#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif
int printf(const char *format, ...);
int fprintf(FILE *stream, const char *format, ...);
int sprintf(char *str, const char *format, ...);
int snprintf(char *str, size_t size, const char *format, ...);
int puts(const char *s);
int fputs(const char *s, FILE *stream);
int putchar(int c);
int putc(int c, FILE *stream);
int fputc(int c, FILE *stream);
size_t fwrite(const void *ptr, size_t size, size_t nmemb, FILE *stream);
int fflush(FILE *stream);
int setvbuf(FILE *stream, char *buf, int mode, size_t size);
void setbuf(FILE *stream, char *buf);
void perror(const char *s);
#endif
`,
	"stdlib.h": `#ifndef _STDLIB_H
#define _STDLIB_H
/* stdlib.h (glibc 2.36) */
#ifndef __mmplay_size_t_defined
#define __mmplay_size_t_defined
typedef unsigned long size_t;
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 2147483647
void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
void exit(int status);
void abort(void);
int atoi(const char *nptr);
long atol(const char *nptr);
long strtol(const char *nptr, char **endptr, int base);
unsigned long strtoul(const char *nptr, char **endptr, int base);
int abs(int j);
long labs(long j);
int rand(void);
void srand(unsigned int seed);
void qsort(void *base, size_t nmemb, size_t size, int (*compar)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t nmemb, size_t size, int (*compar)(const void *, const void *));
#endif
`,
	"ctype.h": `#ifndef _CTYPE_H
#define _CTYPE_H
/* ctype.h (glibc 2.36), C locale. glibc makes these macros over
   __ctype_b_loc()'s table, so the class tests return the class's bit
   (isalpha('a') is 1024), as these do. */
int isalnum(int c);
int isalpha(int c);
int isblank(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);
int tolower(int c);
int toupper(int c);
#endif
`,
	"assert.h": `#ifndef _ASSERT_H
#define _ASSERT_H
/* assert.h (glibc 2.36): the form it uses for compilers without
   statement expressions. */
void __assert_fail(const char *assertion, const char *file, unsigned int line, const char *function);
#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
#define assert(expr) ((expr) ? (void)0 : __assert_fail(#expr, __FILE__, __LINE__, __func__))
#endif
#endif
`,
	"string.h": `#ifndef _STRING_H
#define _STRING_H
/* string.h (glibc 2.36) */
#ifndef __mmplay_size_t_defined
#define __mmplay_size_t_defined
typedef unsigned long size_t;
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif
void *memset(void *s, int c, size_t n);
void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
int memcmp(const void *s1, const void *s2, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
char *strcpy(char *dest, const char *src);
char *strncpy(char *dest, const char *src, size_t n);
char *strcat(char *dest, const char *src);
char *strncat(char *dest, const char *src, size_t n);
int strcmp(const char *s1, const char *s2);
int strncmp(const char *s1, const char *s2, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
char *strdup(const char *s);
char *strndup(const char *s, size_t n);
#endif
`,
	"unistd.h": `#ifndef _UNISTD_H
#define _UNISTD_H
/* unistd.h (glibc 2.36) */
#ifndef __mmplay_size_t_defined
#define __mmplay_size_t_defined
typedef unsigned long size_t;
#endif
#ifndef __mmplay_ssize_t_defined
#define __mmplay_ssize_t_defined
typedef long ssize_t;
#endif
#ifndef __mmplay_off_t_defined
#define __mmplay_off_t_defined
typedef long off_t;
#endif
#ifndef __mmplay_pid_t_defined
#define __mmplay_pid_t_defined
typedef int pid_t;
#endif
#ifndef __mmplay_intptr_t_defined
#define __mmplay_intptr_t_defined
typedef long intptr_t;
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif
#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2
#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif
int brk(void *addr);
void *sbrk(intptr_t increment);
ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
int close(int fd);
pid_t getpid(void);
int getpagesize(void);
void _exit(int status);
#endif
`,
	"malloc.h": `#ifndef _MALLOC_H
#define _MALLOC_H
/* malloc.h (glibc 2.36) */
#ifndef __mmplay_size_t_defined
#define __mmplay_size_t_defined
typedef unsigned long size_t;
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif
#define M_MXFAST 1
#define M_NLBLKS 2
#define M_GRAIN 3
#define M_KEEP 4
#define M_TRIM_THRESHOLD -1
#define M_TOP_PAD -2
#define M_MMAP_THRESHOLD -3
#define M_MMAP_MAX -4
#define M_CHECK_ACTION -5
#define M_PERTURB -6
#define M_ARENA_TEST -7
#define M_ARENA_MAX -8
void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
int mallopt(int param, int value);
int malloc_trim(size_t pad);
size_t malloc_usable_size(void *ptr);
#endif
`,
	"sys/mman.h": `#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H
/* sys/mman.h, bits/mman-linux.h, bits/mman-map-flags-generic.h,
   bits/mman-shared.h (glibc 2.36, x86-64) */
#ifndef __mmplay_size_t_defined
#define __mmplay_size_t_defined
typedef unsigned long size_t;
#endif
#ifndef __mmplay_off_t_defined
#define __mmplay_off_t_defined
typedef long off_t;
#endif
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON MAP_ANONYMOUS
#define MAP_GROWSDOWN 0x00100
#define MAP_NORESERVE 0x04000
#define MAP_POPULATE 0x08000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_FAILED ((void *) -1)
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t length);
int mprotect(void *addr, size_t len, int prot);
void *mremap(void *old_address, size_t old_size, size_t new_size, int flags, ...);
int madvise(void *addr, size_t length, int advice);
#endif
`,
	"fcntl.h": `#ifndef _FCNTL_H
#define _FCNTL_H
/* fcntl.h, bits/fcntl-linux.h (glibc 2.36, x86-64) */
#ifndef __mmplay_mode_t_defined
#define __mmplay_mode_t_defined
typedef unsigned int mode_t;
#endif
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
int open(const char *pathname, int flags, ...);
#endif
`,
	"oracle.h": `#ifndef ORACLE_H
#define ORACLE_H
/* mmplay's builtin version of /work/shared/oracle/oracle.h: the same
   standard headers and the three helpers, provided by the simulator.
   (The real one also includes sys/resource.h and sys/prctl.h for its
   constructor, which mmplay has nothing to imitate for.) */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <malloc.h>
#include <fcntl.h>
#include <errno.h>
#include <sys/mman.h>
long minor_faults(void);
long rss_pages(void);
int is_mmapped(void *p);
#endif
`,
}

// Header returns the C text of a user-space header by the name used in
// #include ("stdio.h", "sys/mman.h", "oracle.h").
func Header(name string) (string, bool) {
	h, ok := headers[name]
	return h, ok
}

// HeaderNames lists the headers Header knows, sorted.
func HeaderNames() []string {
	names := make([]string, 0, len(headers))
	for n := range headers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Functions lists the functions a header declares itself (not those of
// the headers it includes), in the order of the text: the builtins the
// integrator must bind for it.
func Functions(name string) []string {
	h, ok := headers[name]
	if !ok {
		return nil
	}
	var fns []string
	for _, line := range strings.Split(h, "\n") {
		if fn := prototypeName(line); fn != "" {
			fns = append(fns, fn)
		}
	}
	return fns
}

// prototypeName returns the function a one-line prototype declares, or
// "" for any other line.
func prototypeName(line string) string {
	line = strings.TrimSpace(line)
	if !strings.HasSuffix(line, ");") || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "typedef") {
		return ""
	}
	open := strings.IndexByte(line, '(')
	if open < 0 {
		return ""
	}
	head := strings.TrimRight(line[:open], " ")
	i := strings.LastIndexAny(head, " *")
	return head[i+1:]
}

// HeaderFor names the header that declares the user-space function fn,
// for a hint such as "malloc is declared in <stdlib.h>".
func HeaderFor(fn string) (string, bool) {
	// Prefer the standard home over the headers that repeat a name
	// (malloc.h repeats malloc and free; oracle.h includes everything).
	for _, h := range headerOrder {
		for _, f := range Functions(h) {
			if f == fn {
				return h, true
			}
		}
	}
	return "", false
}

var headerOrder = []string{"stdio.h", "stdlib.h", "string.h", "ctype.h", "assert.h", "unistd.h", "sys/mman.h", "fcntl.h", "malloc.h", "oracle.h"}

// kernelOnly maps kernel functions a user program may call by mistake to
// the user-space function that does the job.
var kernelOnly = map[string]string{
	"kmalloc":            "malloc",
	"kzalloc":            "calloc",
	"kcalloc":            "calloc",
	"krealloc":           "realloc",
	"kfree":              "free",
	"ksize":              "malloc_usable_size",
	"vmalloc":            "malloc",
	"vzalloc":            "calloc",
	"vfree":              "free",
	"kmem_cache_create":  "malloc",
	"kmem_cache_alloc":   "malloc",
	"kmem_cache_free":    "free",
	"kmem_cache_destroy": "free",
	"__get_free_pages":   "mmap",
	"__get_free_page":    "mmap",
	"get_zeroed_page":    "mmap",
	"__get_dma_pages":    "mmap",
	"alloc_pages":        "mmap",
	"free_pages":         "munmap",
	"free_page":          "munmap",
	"__free_pages":       "munmap",
	"memblock_alloc":     "malloc",
	"ioremap":            "mmap",
	"iounmap":            "munmap",
	"printk":             "printf",
	"pr_info":            "printf",
	"pr_err":             "fprintf(stderr, ...)",
	"copy_to_user":       "memcpy",
	"copy_from_user":     "memcpy",
}

// Hint returns a one-line hint for a name a user program used wrongly
// (a kernel function, or a libc function whose header is missing), or
// "". Kernel headers and the reverse hints (a user function in a
// module) belong to the kernel side and come later.
func Hint(name string) string {
	if user, ok := kernelOnly[name]; ok {
		return name + " is a kernel function; user programs call " + user
	}
	if h, ok := HeaderFor(name); ok {
		return name + " is declared in <" + h + ">; add #include <" + h + ">"
	}
	return ""
}
