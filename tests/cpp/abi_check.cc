// Includes a generated header. Compiled twice by CTest: against the real
// runtime headers (must compile) and with abi_v2/ first on the include path,
// a runtime of ABI version 2 (must fail with the generated static_assert).
#include "cpp/ans/api_pro_sante_connect.h"

int main() { return formc_generated::ans::APIProSanteConnect::forms().empty() ? 1 : 0; }
