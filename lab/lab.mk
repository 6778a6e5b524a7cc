# lab/lab.mk: placeholder so the top Makefile parses (owner fills it in)
