// scullp is scull with its quanta taken straight from the page allocator: each quantum is 2^order whole pages (__get_free_pages).
// main writes 20000 bytes, reads them back, and prints /proc/scullpmem: the order and the address and pfn of every quantum.
//
// LDD's scullp cut down: the order is a module parameter (change the
// "order = 1" line: order 0 gives five 4 KiB quanta, order 2 two 16 KiB
// ones). No memory is wasted inside a page, and each quantum is
// physically contiguous.
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/proc_fs.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

static int order = 1;
module_param(order, int, 0);
#define QUANTUM (PAGE_SIZE << order)
#define QSET 8
static char **qset;         /* the quantum set: QSET pointers to quanta */
static size_t size;
static int major;

static ssize_t scullp_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
{
    char *q = *pos < size ? qset[*pos / QUANTUM] : NULL;
    if (!q)
        return 0;
    count = min(count, min((size_t)(QUANTUM - *pos % QUANTUM), (size_t)(size - *pos)));
    if (copy_to_user(buf, q + *pos % QUANTUM, count))
        return -EFAULT;
    *pos += count;
    return count;
}

static ssize_t scullp_write(struct file *f, const char __user *buf, size_t count, loff_t *pos)
{
    char **q = &qset[*pos / QUANTUM];
    if (*pos >= QUANTUM * QSET)
        return -ENOSPC;
    if (!*q && !(*q = (char *)__get_free_pages(GFP_KERNEL, order)))
        return -ENOMEM;
    count = min(count, (size_t)(QUANTUM - *pos % QUANTUM));
    if (copy_from_user(*q + *pos % QUANTUM, buf, count))
        return -EFAULT;
    *pos += count;
    size = max(size, (size_t)*pos);
    return count;
}

static struct file_operations scullp_fops = { .owner = THIS_MODULE, .read = scullp_read, .write = scullp_write };

static int scullpmem_show(struct seq_file *m, void *v)
{
    int i;
    seq_printf(m, "scullp: %zu bytes, order %d (quantum %lu), qset %d\n", size, order, QUANTUM, QSET);
    for (i = 0; i < QSET && qset[i]; i++)
        seq_printf(m, "  quantum %d at %px, order %d, pfn %#lx\n", i, qset[i], order, (unsigned long)(virt_to_phys(qset[i]) >> PAGE_SHIFT));
    return 0;
}

static int __init scullp_init(void)
{
    if (!(qset = kcalloc(QSET, sizeof(char *), GFP_KERNEL)))
        return -ENOMEM;
    major = register_chrdev(0, "scullp", &scullp_fops);
    proc_create_single("scullpmem", 0, NULL, scullpmem_show);
    return 0;
}

static void __exit scullp_exit(void)
{
    int i;
    remove_proc_entry("scullpmem", NULL);
    unregister_chrdev(major, "scullp");
    for (i = 0; i < QSET; i++)
        if (qset[i])
            free_pages((unsigned long)qset[i], order);
    kfree(qset);
}

module_init(scullp_init);
module_exit(scullp_exit);
MODULE_LICENSE("GPL");

static char file[20000], back[20000], text[4096];

int main(void)
{
    long i, n, r;
    int fd = open("/dev/scullp", O_WRONLY);
    for (i = 0; i < sizeof file; i++)
        file[i] = 'a' + i % 26;
    for (n = 0; n < sizeof file && (r = write(fd, file + n, sizeof file - n)) > 0; n += r)
        ;
    close(fd);
    fd = open("/dev/scullp", O_RDONLY);
    for (n = 0; (r = read(fd, back + n, sizeof back - n)) > 0; n += r)
        ;
    close(fd);
    printf("wrote %zu bytes, read back %ld: %s\n", sizeof file, n, memcmp(file, back, sizeof file) ? "different" : "same");
    fd = open("/proc/scullpmem", O_RDONLY);
    text[read(fd, text, sizeof text - 1)] = 0;
    printf("%s", text);
    return 0;
}
