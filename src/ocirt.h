/* ocirt CLI: what every command file shares. */
#ifndef OCIRT_CLI_H
#define OCIRT_CLI_H
#endif
