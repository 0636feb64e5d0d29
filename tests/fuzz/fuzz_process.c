/* libFuzzer target: oci_process_parse_data / oci_process_generate / oci_process_free. */
#include "ocispec_fuzz.h"

OCISPEC_FUZZ_TARGET (oci_process, oci_process_parse_data, oci_process_generate, oci_process_free)
