/* libFuzzer target: oci_state_parse_data / oci_state_generate / oci_state_free. */
#include "ocispec_fuzz.h"

OCISPEC_FUZZ_TARGET (oci_state, oci_state_parse_data, oci_state_generate, oci_state_free)
