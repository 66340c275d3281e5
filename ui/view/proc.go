package view

// The /proc view: the files the simulated machine serves, read live
// through engine.Session.ProcFile. A module may add its own read-only
// file (proc_create, as scullpmem does); the session does not list those,
// so the view offers the machine's own files and lets the reader type
// another path.

// procFiles are the files every machine serves (engine/kernel/procfs.go
// registers the machine-wide ones, engine/libc/files.go the per-process
// ones under /proc/self and /proc/4242), with a line of help each.
var procFiles = []struct{ path, help string }{
	{"/proc/meminfo", "Memory totals: MemTotal, MemFree, Slab, VmallocUsed, PageTables, …"},
	{"/proc/buddyinfo", "Free blocks of each order, per zone: the buddy allocator's free lists."},
	{"/proc/slabinfo", "Every kmem cache: active and total objects, object size, objects per slab, pages per slab."},
	{"/proc/vmallocinfo", "Every vmalloc and ioremap area: range, size with the guard page, caller, pages."},
	{"/proc/devices", "Registered character devices and their major numbers."},
	{"/proc/self/maps", "The process's VMAs: range, permissions, offset, device, inode, name."},
	{"/proc/self/smaps_rollup", "The process's memory summed over its VMAs: Rss, Pss, Anonymous, …"},
	{"/proc/self/statm", "The process's sizes in pages: size, resident, shared, text, lib, data, dt."},
}

// ProcFiles lists the /proc files the view offers for a machine running
// kernel ("6.1" or "2.0": GetKey(snap.Config, "kernel")): all of
// procFiles, but not /proc/slabinfo on 2.0, whose kmalloc had no slab
// caches (the engine serves none there).
func ProcFiles(kernel string) []string {
	out := make([]string, 0, len(procFiles))
	for _, f := range procFiles {
		if kernel == "2.0" && f.path == "/proc/slabinfo" {
			continue
		}
		out = append(out, f.path)
	}
	return out
}

// ProcHelp is one line about a /proc file ("" for a file it does not know,
// such as a module's own).
func ProcHelp(path string) string {
	for _, f := range procFiles {
		if f.path == path {
			return f.help
		}
	}
	return ""
}
