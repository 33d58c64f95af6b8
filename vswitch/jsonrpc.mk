# vswitch/jsonrpc.mk -- see vswitch/automake.mk.
