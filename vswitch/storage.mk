# vswitch/storage.mk -- see vswitch/automake.mk.
