// vmalloc gives a buffer that is contiguous in virtual memory but built from single pages scattered in physical memory.
// Each area is followed by an unmapped guard page; vmalloc may sleep, so set VMALLOC_IN_IRQ to 1 to see the kernel BUG it hits in an IRQ handler.
//
// vmalloc_to_pfn shows the frame behind each page; /proc/vmallocinfo
// lists each area with its guard page included (1 MiB shows as 1052672
// bytes; main prints this module's lines). Two areas in a row are one
// guard page apart. The IRQ handler takes its buffer with
// kmalloc(GFP_ATOMIC), the right way. With VMALLOC_IN_IRQ 1 it calls
// vmalloc instead: 6.1's __get_vm_area_node starts with
// BUG_ON(in_interrupt()), so the kernel prints "kernel BUG at
// mm/vmalloc.c", an invalid-opcode Oops, and panics (an Oops in
// interrupt context cannot kill a task): the run ends there.
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/interrupt.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define SIZE (1024 * 1024)
#define VMALLOC_IN_IRQ 0   /* 1: the kernel BUG */
static char *buf, *a, *b;

static irqreturn_t vm_irq(int irq, void *dev)
{
#if VMALLOC_IN_IRQ
    void *p = vmalloc(PAGE_SIZE);                /* wrong: vmalloc may sleep */
    vfree(p);
#else
    void *p = kmalloc(PAGE_SIZE, GFP_ATOMIC);    /* right: never sleeps */
    pr_info("irq %d: in_interrupt()=%#lx, kmalloc(GFP_ATOMIC) = %px\n", irq, in_interrupt(), p);
    kfree(p);
#endif
    return IRQ_HANDLED;
}

static int __init vm_init(void)
{
    unsigned long i, runs = 1;

    buf = vmalloc(SIZE);
    if (!buf)
        return -ENOMEM;
    for (i = 0; i < 4; i++)
        pr_info("page %lu at %px: pfn %#lx\n", i, buf + i * PAGE_SIZE, vmalloc_to_pfn(buf + i * PAGE_SIZE));
    for (i = 1; i < SIZE / PAGE_SIZE; i++)
        if (vmalloc_to_pfn(buf + i * PAGE_SIZE) != vmalloc_to_pfn(buf + (i - 1) * PAGE_SIZE) + 1)
            runs++;
    pr_info("%d pages in %lu physically contiguous runs\n", SIZE / PAGE_SIZE, runs);

    a = vmalloc(3 * PAGE_SIZE);
    b = vmalloc(3 * PAGE_SIZE);
    pr_info("two 3-page areas: b - a = %ld pages (3 + 1 guard)\n", (long)(b - a) / PAGE_SIZE);
    pr_info("the guard page after a: vmalloc_to_pfn = %lu\n", vmalloc_to_pfn(a + 3 * PAGE_SIZE));

    if (request_irq(11, vm_irq, 0, "vmdemo", NULL) == 0) {
        raise_irq(11);
        free_irq(11, NULL);
    }
    return 0;
}

static void __exit vm_exit(void)
{
    vfree(b);
    vfree(a);
    vfree(buf);
}

module_init(vm_init);
module_exit(vm_exit);
MODULE_LICENSE("GPL");

/* print the lines of /proc/vmallocinfo that belong to this module */
static char info[16384];

int main(void)
{
    long n = 0, r;
    char *line, *nl;
    int fd = open("/proc/vmallocinfo", O_RDONLY);

    while ((r = read(fd, info + n, sizeof info - 1 - n)) > 0)
        n += r;
    close(fd);
    info[n] = 0;
    for (line = info; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        *nl = 0;
        if (strstr(line, "[06_vmalloc]"))
            printf("%s\n", line);
    }
    return 0;
}
