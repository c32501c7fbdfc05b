# nstrace loads a BPF probe: an administrator's tool (section 8, sbin)
SBIN_TOOLS += nstrace
