/* libFuzzer target: oci_config_parse_data / oci_config_generate / oci_config_free. */
#include "ocispec_fuzz.h"

OCISPEC_FUZZ_TARGET (oci_config, oci_config_parse_data, oci_config_generate, oci_config_free)
