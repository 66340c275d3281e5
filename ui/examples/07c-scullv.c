// scullv is scull with big quanta from vmalloc: each 16 KiB quantum is contiguous in virtual memory only.
// main writes 20000 bytes, reads them back, and prints /proc/scullvmem: each quantum's address and the pfn behind each of its pages.
//
// LDD's scullv cut down. The pages of one quantum need not be neighbours
// in physical memory (vmalloc_to_pfn shows where each one is), and every
// quantum also takes a guard page of address space in the vmalloc area.
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/proc_fs.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define QUANTUM (4 * PAGE_SIZE)
#define QSET 8
static char **qset;         /* the quantum set: QSET pointers to quanta */
static size_t size;
static int major;

static ssize_t scullv_read(struct file *f, char __user *buf, size_t count, loff_t *pos)
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

static ssize_t scullv_write(struct file *f, const char __user *buf, size_t count, loff_t *pos)
{
    char **q = &qset[*pos / QUANTUM];
    if (*pos >= QUANTUM * QSET)
        return -ENOSPC;
    if (!*q && !(*q = vmalloc(QUANTUM)))
        return -ENOMEM;
    count = min(count, (size_t)(QUANTUM - *pos % QUANTUM));
    if (copy_from_user(*q + *pos % QUANTUM, buf, count))
        return -EFAULT;
    *pos += count;
    size = max(size, (size_t)*pos);
    return count;
}

static struct file_operations scullv_fops = { .owner = THIS_MODULE, .read = scullv_read, .write = scullv_write };

static int scullvmem_show(struct seq_file *m, void *v)
{
    int i, j;
    seq_printf(m, "scullv: %zu bytes, quantum %lu, qset %d\n", size, QUANTUM, QSET);
    for (i = 0; i < QSET && qset[i]; i++)
    {
        seq_printf(m, "  quantum %d at %px, pfns", i, qset[i]);
        for (j = 0; j < QUANTUM / PAGE_SIZE; j++)
            seq_printf(m, " %#lx", vmalloc_to_pfn(qset[i] + j * PAGE_SIZE));
        seq_putc(m, '\n');
    }
    return 0;
}

static int __init scullv_init(void)
{
    if (!(qset = kcalloc(QSET, sizeof(char *), GFP_KERNEL)))
        return -ENOMEM;
    major = register_chrdev(0, "scullv", &scullv_fops);
    proc_create_single("scullvmem", 0, NULL, scullvmem_show);
    return 0;
}

static void __exit scullv_exit(void)
{
    int i;
    remove_proc_entry("scullvmem", NULL);
    unregister_chrdev(major, "scullv");
    for (i = 0; i < QSET; i++)
        vfree(qset[i]);
    kfree(qset);
}

module_init(scullv_init);
module_exit(scullv_exit);
MODULE_LICENSE("GPL");

static char file[20000], back[20000], text[4096];

int main(void)
{
    long i, n, r;
    int fd = open("/dev/scullv", O_WRONLY);
    for (i = 0; i < sizeof file; i++)
        file[i] = 'a' + i % 26;
    for (n = 0; n < sizeof file && (r = write(fd, file + n, sizeof file - n)) > 0; n += r)
        ;
    close(fd);
    fd = open("/dev/scullv", O_RDONLY);
    for (n = 0; (r = read(fd, back + n, sizeof back - n)) > 0; n += r)
        ;
    close(fd);
    printf("wrote %zu bytes, read back %ld: %s\n", sizeof file, n, memcmp(file, back, sizeof file) ? "different" : "same");
    fd = open("/proc/scullvmem", O_RDONLY);
    text[read(fd, text, sizeof text - 1)] = 0;
    printf("%s", text);
    return 0;
}
