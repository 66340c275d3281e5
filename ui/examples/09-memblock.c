// At boot, before the page allocator exists, the kernel takes memory with memblock: one contiguous range, zeroed, never given back.
// mmplay runs this init as if it were built-in code at boot; a real module cannot call memblock_alloc (it is gone after boot).
//
// What is modelled: the block is carved out of free memory as one
// physically contiguous, aligned range, its frames are marked reserved
// for good (like everything memblock handed out at boot), and nothing in
// the kernel will ever free them. This is LDD's "allocate at boot" trick
// for huge buffers; MemTotal in /proc/meminfo drops by 2 MiB. Not
// modelled: real memblock works top-down in its own region list before
// the buddy allocator takes over the rest.
#include <linux/module.h>
#include <linux/memblock.h>
#include <linux/io.h>
#include <linux/mm.h>

#define BUF_SIZE (2 * 1024 * 1024)
static char *buf;

static int __init boot_buf_init(void)
{
    unsigned long i, nonzero = 0;
    unsigned long phys;

    buf = memblock_alloc(BUF_SIZE, PAGE_SIZE);
    if (!buf)
        return -ENOMEM;
    phys = virt_to_phys(buf);
    for (i = 0; i < BUF_SIZE; i += 512)
        nonzero += buf[i] != 0;
    pr_info("memblock_alloc(2 MiB) = %px: phys %#lx-%#lx, pfns %#lx-%#lx, one contiguous range\n",
            buf, phys, phys + BUF_SIZE - 1, phys >> PAGE_SHIFT, (phys + BUF_SIZE) / PAGE_SIZE - 1);
    pr_info("zeroed: %lu nonzero bytes sampled\n", nonzero);
    buf[0] = 'x';
    return 0;
}

/* nothing to free: memblock memory is never returned */
static void __exit boot_buf_exit(void)
{
}

module_init(boot_buf_init);
module_exit(boot_buf_exit);
MODULE_LICENSE("GPL");
