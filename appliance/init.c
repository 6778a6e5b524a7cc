#include "appliance.h"
int init_main(void) { return 1; }
