// scull keeps what you write to /dev/scull in kmalloc'ed "quanta" of 4000 bytes, listed in a quantum set (an array of pointers).
// main writes 20000 bytes, reads them back, and prints /proc/scullmem: each quantum's address and its real size (ksize).
//
// LDD's scull cut down: one device, one quantum set of 8, no locking.
// Run it with kernel=2.0 and each 4000-byte quantum fits a page exactly;
// on 6.1 it comes from kmalloc-4k and 96 bytes of each are wasted.
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/proc_fs.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define QUANTUM 4000
#define QSET 8
static char **qset;         /* the quantum set: QSET pointers to quanta */
static size_t size;
static int major;

static ssize_t scull_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
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

static ssize_t scull_write(struct file *f, const char __user *buf, size_t count, loff_t *pos)
{
    char **q = &qset[*pos / QUANTUM];
    if (*pos >= QUANTUM * QSET)
        return -ENOSPC;
    if (!*q && !(*q = kmalloc(QUANTUM, GFP_KERNEL)))
        return -ENOMEM;
    count = min(count, (size_t)(QUANTUM - *pos % QUANTUM));
    if (copy_from_user(*q + *pos % QUANTUM, buf, count))
        return -EFAULT;
    *pos += count;
    size = max(size, (size_t)*pos);
    return count;
}

static struct file_operations scull_fops = { .owner = THIS_MODULE, .read = scull_read, .write = scull_write };

static int scullmem_show(struct seq_file *m, void *v)
{
    int i;
    seq_printf(m, "scull: %zu bytes, quantum %d, qset %d at %px\n", size, QUANTUM, QSET, qset);
    for (i = 0; i < QSET && qset[i]; i++)
        seq_printf(m, "  quantum %d at %px, ksize %zu\n", i, qset[i], ksize(qset[i]));
    return 0;
}

static int __init scull_init(void)
{
    if (!(qset = kcalloc(QSET, sizeof(char *), GFP_KERNEL)))
        return -ENOMEM;
    major = register_chrdev(0, "scull", &scull_fops);
    proc_create_single("scullmem", 0, NULL, scullmem_show);
    return 0;
}

static void __exit scull_exit(void)
{
    int i;
    remove_proc_entry("scullmem", NULL);
    unregister_chrdev(major, "scull");
    for (i = 0; i < QSET; i++)
        kfree(qset[i]);
    kfree(qset);
}

module_init(scull_init);
module_exit(scull_exit);
MODULE_LICENSE("GPL");

static char file[20000], back[20000], text[4096];

int main(void)
{
    long i, n, r;
    int fd = open("/dev/scull", O_WRONLY);
    for (i = 0; i < sizeof file; i++)
        file[i] = 'a' + i % 26;
    for (n = 0; n < sizeof file && (r = write(fd, file + n, sizeof file - n)) > 0; n += r)
        ;
    close(fd);
    fd = open("/dev/scull", O_RDONLY);
    for (n = 0; (r = read(fd, back + n, sizeof back - n)) > 0; n += r)
        ;
    close(fd);
    printf("wrote %zu bytes, read back %ld: %s\n", sizeof file, n, memcmp(file, back, sizeof file) ? "different" : "same");
    fd = open("/proc/scullmem", O_RDONLY);
    text[read(fd, text, sizeof text - 1)] = 0;
    printf("%s", text);
    return 0;
}
