// ioremap maps a device's memory (here the HPET timer's registers at 0xfed00000) into the kernel's vmalloc area.
// It uses no RAM frames, keeps the offset inside the page, and refuses a range that is ordinary RAM.
//
// mmplay has no devices: ioremapped memory reads as all ones and ignores
// writes, as an empty bus would (a real HPET would answer with its
// capabilities register). /proc/vmallocinfo lists the mapping with
// "ioremap", a guard page included. Linux 2.0 called this vremap.
#include <linux/module.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/gfp.h>

#define HPET_BASE 0xfed00000UL

static void __iomem *regs;

static int __init io_init(void)
{
    void __iomem *part, *ram;
    unsigned long page = __get_free_page(GFP_KERNEL);

    regs = ioremap(HPET_BASE, PAGE_SIZE);
    pr_info("ioremap(%#lx, 4096) = %px\n", HPET_BASE, regs);
    pr_info("first register reads %#x\n", *(volatile unsigned int *)regs);

    part = ioremap(HPET_BASE + 0x40, 16);
    pr_info("ioremap(%#lx, 16) = %px (same offset in the page)\n", HPET_BASE + 0x40, part);
    iounmap(part);

    ram = ioremap(virt_to_phys((void *)page), PAGE_SIZE);     /* wrong: RAM */
    pr_info("ioremap of a RAM page (phys %#lx) = %px\n", (unsigned long)virt_to_phys((void *)page), ram);
    free_page(page);
    return 0;
}

static void __exit io_exit(void)
{
    iounmap(regs);
}

module_init(io_init);
module_exit(io_exit);
MODULE_LICENSE("GPL");
