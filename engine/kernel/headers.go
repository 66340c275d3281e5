package kernel

import "sort"

// The kernel headers a module snippet includes, in the C subset the
// interpreter parses (no attributes, no GNU extensions). Values are 6.1's
// (include/linux/gfp_types.h, kern_levels.h, errno-base.h, …; facts §4);
// structs the kernel reads from snippet memory have the real 6.1 x86-64
// layout (file_operations, proc_ops, seq_file, file — padded where a
// member is of no use to a snippet); struct inode is mmplay's own small
// one (a module only reaches it through iminor/imajor and i_private).
//
// The functions are builtins (Builtins). A few kernel macros become
// builtins with a "__mmplay_" name because the subset has no statement
// expressions: spin_lock_irqsave, local_irq_save, get_user, put_user.
// module_init(fn) and module_exit(fn) declare the variables
// __mmplay_module_init and __mmplay_module_exit, which the integrator
// looks up; MODULE_LICENSE(x) declares __mmplay_module_license.

var headers = map[string]string{
	"linux/types.h": `#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H
#define NULL ((void *)0)
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
#ifndef __mmplay_size_t_defined
#define __mmplay_size_t_defined
typedef unsigned long size_t;
#endif
#ifndef __mmplay_ssize_t_defined
#define __mmplay_ssize_t_defined
typedef long ssize_t;
#endif
typedef long long loff_t;
#ifndef __mmplay_off_t_defined
#define __mmplay_off_t_defined
typedef long off_t;
#endif
#ifndef __mmplay_uintptr_t_defined
#define __mmplay_uintptr_t_defined
typedef unsigned long uintptr_t;
#endif
typedef unsigned int gfp_t;
typedef unsigned int dev_t;
typedef unsigned short umode_t;
typedef unsigned int fmode_t;
typedef unsigned long long phys_addr_t;
typedef unsigned long long resource_size_t;
#ifndef __mmplay_bool_defined
#define __mmplay_bool_defined
typedef _Bool bool;
#endif
#define true 1
#define false 0
#define __user
#define __iomem
#define __force
#define __init
#define __exit
#define __initdata
#define __exitdata
#define __must_check
#define notrace
struct module;
struct page;
#endif
`,
	"linux/string.h": `#ifndef _LINUX_STRING_H
#define _LINUX_STRING_H
#include <linux/types.h>
void *memset(void *s, int c, size_t n);
void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
int memcmp(const void *s1, const void *s2, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
char *strcpy(char *dest, const char *src);
char *strncpy(char *dest, const char *src, size_t n);
char *strcat(char *dest, const char *src);
int strcmp(const char *s1, const char *s2);
int strncmp(const char *s1, const char *s2, size_t n);
char *strchr(const char *s, int c);
#endif
`,
	"linux/errno.h": `#ifndef _LINUX_ERRNO_H
#define _LINUX_ERRNO_H
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define ERANGE 34
#define ENOSYS 38
#define ERESTARTSYS 512
#endif
`,
	"linux/printk.h": `#ifndef _LINUX_PRINTK_H
#define _LINUX_PRINTK_H
#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define KERN_DEFAULT ""
#define KERN_CONT KERN_SOH "c"
int printk(const char *fmt, ...);
int pr_emerg(const char *fmt, ...);
int pr_alert(const char *fmt, ...);
int pr_crit(const char *fmt, ...);
int pr_err(const char *fmt, ...);
int pr_warn(const char *fmt, ...);
int pr_warning(const char *fmt, ...);
int pr_notice(const char *fmt, ...);
int pr_info(const char *fmt, ...);
int pr_debug(const char *fmt, ...);
int pr_cont(const char *fmt, ...);
#endif
`,
	"linux/kernel.h": `#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H
#include <linux/types.h>
#include <linux/printk.h>
#include <linux/errno.h>
#define INT_MAX 2147483647
#define UINT_MAX 4294967295U
#define LONG_MAX 9223372036854775807L
#define ULONG_MAX 18446744073709551615UL
/* include/linux/minmax.h without its type checks (no statement
   expressions in the subset): each argument may be evaluated twice */
#define min(x, y) ((x) < (y) ? (x) : (y))
#define max(x, y) ((x) > (y) ? (x) : (y))
#define min_t(type, x, y) ((type)(x) < (type)(y) ? (type)(x) : (type)(y))
#define max_t(type, x, y) ((type)(x) > (type)(y) ? (type)(x) : (type)(y))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
int sprintf(char *buf, const char *fmt, ...);
int snprintf(char *buf, size_t size, const char *fmt, ...);
void might_sleep(void);
#endif
`,
	"linux/init.h": `#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H
#include <linux/types.h>
#endif
`,
	"linux/module.h": `#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H
#include <linux/types.h>
#include <linux/init.h>
#include <linux/kernel.h>
#define THIS_MODULE ((struct module *)0)
#define module_init(fn) int (*__mmplay_module_init)(void) = fn;
#define module_exit(fn) void (*__mmplay_module_exit)(void) = fn;
#define MODULE_LICENSE(x) const char __mmplay_module_license[] = x;
#define MODULE_AUTHOR(x) void __mmplay_module_info(void)
#define MODULE_DESCRIPTION(x) void __mmplay_module_info(void)
#define MODULE_VERSION(x) void __mmplay_module_info(void)
#define MODULE_ALIAS(x) void __mmplay_module_info(void)
#define EXPORT_SYMBOL(x) void __mmplay_module_info(void)
#define EXPORT_SYMBOL_GPL(x) void __mmplay_module_info(void)
#define module_param(name, type, perm) void __mmplay_module_info(void)
#define MODULE_PARM_DESC(name, desc) void __mmplay_module_info(void)
#endif
`,
	"linux/gfp.h": `#ifndef _LINUX_GFP_H
#define _LINUX_GFP_H
#include <linux/types.h>
#define ___GFP_DMA 0x01u
#define ___GFP_HIGHMEM 0x02u
#define ___GFP_DMA32 0x04u
#define ___GFP_MOVABLE 0x08u
#define ___GFP_RECLAIMABLE 0x10u
#define ___GFP_HIGH 0x20u
#define ___GFP_IO 0x40u
#define ___GFP_FS 0x80u
#define ___GFP_ZERO 0x100u
#define ___GFP_ATOMIC 0x200u
#define ___GFP_DIRECT_RECLAIM 0x400u
#define ___GFP_KSWAPD_RECLAIM 0x800u
#define ___GFP_WRITE 0x1000u
#define ___GFP_NOWARN 0x2000u
#define ___GFP_RETRY_MAYFAIL 0x4000u
#define ___GFP_NOFAIL 0x8000u
#define ___GFP_NORETRY 0x10000u
#define ___GFP_MEMALLOC 0x20000u
#define ___GFP_COMP 0x40000u
#define ___GFP_NOMEMALLOC 0x80000u
#define ___GFP_HARDWALL 0x100000u
#define ___GFP_THISNODE 0x200000u
#define ___GFP_ACCOUNT 0x400000u
#define __GFP_DMA ((gfp_t)___GFP_DMA)
#define __GFP_HIGHMEM ((gfp_t)___GFP_HIGHMEM)
#define __GFP_DMA32 ((gfp_t)___GFP_DMA32)
#define __GFP_MOVABLE ((gfp_t)___GFP_MOVABLE)
#define __GFP_RECLAIMABLE ((gfp_t)___GFP_RECLAIMABLE)
#define __GFP_HIGH ((gfp_t)___GFP_HIGH)
#define __GFP_IO ((gfp_t)___GFP_IO)
#define __GFP_FS ((gfp_t)___GFP_FS)
#define __GFP_ZERO ((gfp_t)___GFP_ZERO)
#define __GFP_ATOMIC ((gfp_t)___GFP_ATOMIC)
#define __GFP_DIRECT_RECLAIM ((gfp_t)___GFP_DIRECT_RECLAIM)
#define __GFP_KSWAPD_RECLAIM ((gfp_t)___GFP_KSWAPD_RECLAIM)
#define __GFP_RECLAIM ((gfp_t)(___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM))
#define __GFP_WRITE ((gfp_t)___GFP_WRITE)
#define __GFP_NOWARN ((gfp_t)___GFP_NOWARN)
#define __GFP_RETRY_MAYFAIL ((gfp_t)___GFP_RETRY_MAYFAIL)
#define __GFP_NOFAIL ((gfp_t)___GFP_NOFAIL)
#define __GFP_NORETRY ((gfp_t)___GFP_NORETRY)
#define __GFP_MEMALLOC ((gfp_t)___GFP_MEMALLOC)
#define __GFP_COMP ((gfp_t)___GFP_COMP)
#define __GFP_NOMEMALLOC ((gfp_t)___GFP_NOMEMALLOC)
#define __GFP_HARDWALL ((gfp_t)___GFP_HARDWALL)
#define __GFP_THISNODE ((gfp_t)___GFP_THISNODE)
#define __GFP_ACCOUNT ((gfp_t)___GFP_ACCOUNT)
#define GFP_ATOMIC (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO (__GFP_RECLAIM)
#define GFP_NOFS (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA __GFP_DMA
#define GFP_DMA32 __GFP_DMA32
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)
#define MAX_ORDER 11
#define PAGE_ALLOC_COSTLY_ORDER 3
unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order);
unsigned long __get_free_page(gfp_t gfp_mask);
unsigned long get_zeroed_page(gfp_t gfp_mask);
unsigned long __get_dma_pages(gfp_t gfp_mask, unsigned int order);
struct page *alloc_pages(gfp_t gfp_mask, unsigned int order);
struct page *alloc_page(gfp_t gfp_mask);
void __free_pages(struct page *page, unsigned int order);
void __free_page(struct page *page);
void free_pages(unsigned long addr, unsigned int order);
void free_page(unsigned long addr);
#endif
`,
	"asm/page.h": `#ifndef _ASM_PAGE_H
#define _ASM_PAGE_H
#include <linux/types.h>
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_OFFSET ((unsigned long)0xffff888000000000UL)
#define PAGE_ALIGN(addr) (((addr) + PAGE_SIZE - 1) & PAGE_MASK)
#define THREAD_SIZE (PAGE_SIZE << 2)
unsigned long __pa(const volatile void *x);
void *__va(unsigned long x);
int get_order(unsigned long size);
#endif
`,
	"linux/mm.h": `#ifndef _LINUX_MM_H
#define _LINUX_MM_H
#include <linux/types.h>
#include <linux/gfp.h>
#include <asm/page.h>
void *page_address(const struct page *page);
unsigned long page_to_pfn(const struct page *page);
struct page *pfn_to_page(unsigned long pfn);
struct page *virt_to_page(const void *addr);
struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);
#endif
`,
	"linux/slab.h": `#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H
#include <linux/types.h>
#include <linux/gfp.h>
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)
#define KMALLOC_MAX_CACHE_SIZE 8192
#define KMALLOC_MAX_SIZE 4194304
void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
void *kcalloc(size_t n, size_t size, gfp_t flags);
void kfree(const void *objp);
size_t ksize(const void *objp);
size_t kmalloc_size_roundup(size_t size);
void *krealloc(const void *p, size_t new_size, gfp_t flags);
struct kmem_cache;
typedef unsigned int slab_flags_t;
#define SLAB_HWCACHE_ALIGN 0x00002000U
#define SLAB_CACHE_DMA 0x00004000U
#define SLAB_RECLAIM_ACCOUNT 0x00020000U
#define SLAB_PANIC 0x00040000U
#define SLAB_TYPESAFE_BY_RCU 0x00080000U
#define SLAB_ACCOUNT 0x04000000U
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align, slab_flags_t flags, void (*ctor)(void *));
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags);
void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t flags);
void kmem_cache_free(struct kmem_cache *s, void *objp);
void kmem_cache_destroy(struct kmem_cache *s);
#endif
`,
	"linux/vmalloc.h": `#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H
#include <linux/types.h>
void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void vfree(const void *addr);
struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);
#endif
`,
	"linux/spinlock.h": `#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H
#include <linux/types.h>
typedef struct spinlock {
	unsigned int __lock;
} spinlock_t;
#define DEFINE_SPINLOCK(x) spinlock_t x = { 0 }
void spin_lock_init(spinlock_t *lock);
void spin_lock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
void spin_lock_irq(spinlock_t *lock);
void spin_unlock_irq(spinlock_t *lock);
void spin_lock_bh(spinlock_t *lock);
void spin_unlock_bh(spinlock_t *lock);
unsigned long __mmplay_spin_lock_irqsave(spinlock_t *lock);
#define spin_lock_irqsave(lock, flags) ((flags) = __mmplay_spin_lock_irqsave(lock))
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
void local_irq_disable(void);
void local_irq_enable(void);
unsigned long __mmplay_local_irq_save(void);
#define local_irq_save(flags) ((flags) = __mmplay_local_irq_save())
void local_irq_restore(unsigned long flags);
void preempt_disable(void);
void preempt_enable(void);
int preempt_count(void);
int in_atomic(void);
int irqs_disabled(void);
#endif
`,
	"linux/interrupt.h": `#ifndef _LINUX_INTERRUPT_H
#define _LINUX_INTERRUPT_H
#include <linux/types.h>
#include <linux/spinlock.h>
enum irqreturn {
	IRQ_NONE = 0,
	IRQ_HANDLED = 1,
	IRQ_WAKE_THREAD = 2
};
typedef enum irqreturn irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev);
#define IRQF_SHARED 0x00000080
#define IRQF_TRIGGER_NONE 0x00000000
#define HARDIRQ_OFFSET (1UL << 16)
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name, void *dev);
const void *free_irq(unsigned int irq, void *dev_id);
int raise_irq(int irq);
unsigned long in_interrupt(void);
unsigned long in_irq(void);
unsigned long in_hardirq(void);
unsigned long in_softirq(void);
#endif
`,
	"linux/fs.h": `#ifndef _LINUX_FS_H
#define _LINUX_FS_H
#include <linux/types.h>
#include <linux/spinlock.h>
struct file;
struct inode;
struct kiocb;
struct iov_iter;
struct io_comp_batch;
struct dir_context;
struct poll_table_struct;
struct vm_area_struct;
struct file_lock;
struct pipe_inode_info;
struct seq_file;
struct io_uring_cmd;
struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char *, size_t, loff_t *);
	ssize_t (*read_iter)(struct kiocb *, struct iov_iter *);
	ssize_t (*write_iter)(struct kiocb *, struct iov_iter *);
	int (*iopoll)(struct kiocb *, struct io_comp_batch *, unsigned int);
	int (*iterate)(struct file *, struct dir_context *);
	int (*iterate_shared)(struct file *, struct dir_context *);
	unsigned int (*poll)(struct file *, struct poll_table_struct *);
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	long (*compat_ioctl)(struct file *, unsigned int, unsigned long);
	int (*mmap)(struct file *, struct vm_area_struct *);
	unsigned long mmap_supported_flags;
	int (*open)(struct inode *, struct file *);
	int (*flush)(struct file *, void *);
	int (*release)(struct inode *, struct file *);
	int (*fsync)(struct file *, loff_t, loff_t, int);
	int (*fasync)(int, struct file *, int);
	int (*lock)(struct file *, int, struct file_lock *);
	ssize_t (*sendpage)(struct file *, struct page *, int, size_t, loff_t *, int);
	unsigned long (*get_unmapped_area)(struct file *, unsigned long, unsigned long, unsigned long, unsigned long);
	int (*check_flags)(int);
	int (*flock)(struct file *, int, struct file_lock *);
	ssize_t (*splice_write)(struct pipe_inode_info *, struct file *, loff_t *, size_t, unsigned int);
	ssize_t (*splice_read)(struct file *, loff_t *, struct pipe_inode_info *, size_t, unsigned int);
	int (*setlease)(struct file *, long, struct file_lock **, void **);
	long (*fallocate)(struct file *, int, loff_t, loff_t);
	void (*show_fdinfo)(struct seq_file *, struct file *);
	ssize_t (*copy_file_range)(struct file *, loff_t, struct file *, loff_t, size_t, unsigned int);
	loff_t (*remap_file_range)(struct file *, loff_t, struct file *, loff_t, loff_t, unsigned int);
	int (*fadvise)(struct file *, loff_t, loff_t, int);
	int (*uring_cmd)(struct io_uring_cmd *, unsigned int);
	int (*uring_cmd_iopoll)(struct io_uring_cmd *, struct io_comp_batch *, unsigned int);
};
struct inode {
	umode_t i_mode;
	unsigned short __mmplay_pad0;
	dev_t i_rdev;
	loff_t i_size;
	void *i_private;
	void *i_cdev;
};
struct file {
	char __mmplay_pad0[32];
	struct inode *f_inode;
	const struct file_operations *f_op;
	spinlock_t f_lock;
	long f_count;
	unsigned int f_flags;
	fmode_t f_mode;
	char __mmplay_pad1[32];
	loff_t f_pos;
	char __mmplay_pad2[88];
	void *private_data;
	char __mmplay_pad3[24];
};
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define MINORBITS 20
#define MINORMASK ((1U << MINORBITS) - 1)
#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev) & MINORMASK))
#define MKDEV(ma, mi) (((ma) << MINORBITS) | (mi))
int register_chrdev(unsigned int major, const char *name, const struct file_operations *fops);
void unregister_chrdev(unsigned int major, const char *name);
unsigned int iminor(const struct inode *inode);
unsigned int imajor(const struct inode *inode);
#endif
`,
	"linux/uaccess.h": `#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H
#include <linux/types.h>
unsigned long copy_to_user(void *to, const void *from, unsigned long n);
unsigned long copy_from_user(void *to, const void *from, unsigned long n);
int access_ok(const void *addr, unsigned long size);
int __mmplay_put_user(unsigned long x, void *ptr, int size);
int __mmplay_get_user(void *x, int xsize, const void *ptr, int size);
#define put_user(x, ptr) __mmplay_put_user((unsigned long)(x), (ptr), sizeof(*(ptr)))
#define get_user(x, ptr) __mmplay_get_user(&(x), sizeof(x), (ptr), sizeof(*(ptr)))
#endif
`,
	"asm/io.h": `#ifndef _ASM_IO_H
#define _ASM_IO_H
#include <linux/types.h>
#include <asm/page.h>
unsigned long virt_to_phys(volatile void *address);
void *phys_to_virt(unsigned long address);
void *ioremap(resource_size_t offset, unsigned long size);
void iounmap(volatile void *addr);
#endif
`,
	"linux/io.h": `#ifndef _LINUX_IO_H
#define _LINUX_IO_H
#include <asm/io.h>
#endif
`,
	"linux/seq_file.h": `#ifndef _LINUX_SEQ_FILE_H
#define _LINUX_SEQ_FILE_H
#include <linux/types.h>
#include <linux/spinlock.h>
struct file;
struct inode;
struct seq_file {
	char *buf;
	size_t size;
	size_t from;
	size_t count;
	size_t pad_until;
	loff_t index;
	loff_t read_pos;
	char __mmplay_lock[32];
	const void *op;
	int poll_event;
	const struct file *file;
	void *private;
};
void seq_printf(struct seq_file *m, const char *fmt, ...);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);
int single_open(struct file *file, int (*show)(struct seq_file *, void *), void *data);
int single_release(struct inode *inode, struct file *file);
ssize_t seq_read(struct file *file, char *buf, size_t size, loff_t *ppos);
loff_t seq_lseek(struct file *file, loff_t offset, int whence);
#endif
`,
	"linux/proc_fs.h": `#ifndef _LINUX_PROC_FS_H
#define _LINUX_PROC_FS_H
#include <linux/types.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
struct proc_dir_entry;
struct proc_ops {
	unsigned int proc_flags;
	int (*proc_open)(struct inode *, struct file *);
	ssize_t (*proc_read)(struct file *, char *, size_t, loff_t *);
	ssize_t (*proc_read_iter)(struct kiocb *, struct iov_iter *);
	ssize_t (*proc_write)(struct file *, const char *, size_t, loff_t *);
	loff_t (*proc_lseek)(struct file *, loff_t, int);
	int (*proc_release)(struct inode *, struct file *);
	unsigned int (*proc_poll)(struct file *, struct poll_table_struct *);
	long (*proc_ioctl)(struct file *, unsigned int, unsigned long);
	long (*proc_compat_ioctl)(struct file *, unsigned int, unsigned long);
	int (*proc_mmap)(struct file *, struct vm_area_struct *);
	unsigned long (*proc_get_unmapped_area)(struct file *, unsigned long, unsigned long, unsigned long, unsigned long);
};
struct proc_dir_entry *proc_create(const char *name, umode_t mode, struct proc_dir_entry *parent, const struct proc_ops *proc_ops);
struct proc_dir_entry *proc_create_single_data(const char *name, umode_t mode, struct proc_dir_entry *parent, int (*show)(struct seq_file *, void *), void *data);
struct proc_dir_entry *proc_create_single(const char *name, umode_t mode, struct proc_dir_entry *parent, int (*show)(struct seq_file *, void *));
void remove_proc_entry(const char *name, struct proc_dir_entry *parent);
#endif
`,
	"linux/memblock.h": `#ifndef _LINUX_MEMBLOCK_H
#define _LINUX_MEMBLOCK_H
#include <linux/types.h>
#define SMP_CACHE_BYTES 64
void *memblock_alloc(phys_addr_t size, phys_addr_t align);
#endif
`,
}

// Header returns the text of a kernel header ("linux/slab.h") and whether
// mmplay has it.
func Header(name string) (string, bool) {
	h, ok := headers[name]
	return h, ok
}

// HeaderNames lists the headers in name order.
func HeaderNames() []string {
	names := make([]string, 0, len(headers))
	for n := range headers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
