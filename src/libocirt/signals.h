/* ocirt: signal names as kill(1) and runc accept them: "TERM", "SIGTERM", "15", "RTMIN+3". */
#ifndef OCIRT_SIGNALS_H
#define OCIRT_SIGNALS_H

#include "error.h"

int ocirt_signal_parse (const char *s, ocirt_error_t *err);
/* NULL-terminated list of "SIGxxx" names, for `features`-like listings. */
const char *const *ocirt_signal_names (void);

#endif
