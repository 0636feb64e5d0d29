#!/bin/bash
# Man pages (man/*.8.md, converted by go-md2man) stay in sync with the binary: every option
# of `ocirt COMMAND --help` is in ocirt-COMMAND(8) and every option there is in --help (the
# OPTIONS section; ocirt(8)'s GLOBAL OPTIONS for `ocirt --help`), every command has a page,
# and `make install` puts the binary, the pages and the bash completion in place.
. "$(dirname "$0")/../lib.sh"
require_ocirt
MAN=$OCIRT_SRCDIR/man

# Options as "-b,--bundle" or "--keep", one a line, sorted; argp's own (help, usage,
# version) left out.
help_opts () {
  "$OCIRT" "$@" --help | sed -n 's/^ \{1,\}\(-[a-zA-Z?], \)\{0,1\}\(--[a-z0-9-]\{1,\}\).*/\1\2/p' \
    | tr -d ' ' | grep -vE -- '--(help|usage|version)$' | sort -u
}
man_opts () {  # man_opts FILE SECTION
  sed -n "/^# $2\$/,/^# /p" "$1" \
    | sed -n 's/^\*\*\(-[a-zA-Z?]\)\*\*, \*\*\(--[a-z0-9-]*\)\*\*.*/\1,\2/p; s/^\*\*\(--[a-z0-9-]*\)\*\*.*/\1/p' \
    | grep -vE -- '--(help|usage|version)$' | sort -u
}
commands () { "$OCIRT" --help | sed -n 's/^  \([a-z]\{1,\}\)\t.*/\1/p'; }

# compare WHAT HELP-LIST MAN-LIST
compare () {
  local missing extra
  missing=$(comm -23 <(echo "$2") <(echo "$3"))
  extra=$(comm -13 <(echo "$2") <(echo "$3"))
  [ -z "$missing$extra" ] || _assert_fail "$1 out of sync" \
    "in --help, not in the man page: $(echo $missing)" "in the man page, not in --help: $(echo $extra)"
}

test_global () {
  local h m
  h=$(help_opts) m=$(man_opts "$MAN/ocirt.8.md" "GLOBAL OPTIONS")
  [ -n "$h" ] || _assert_fail "no options parsed from ocirt --help"
  compare "ocirt(8) GLOBAL OPTIONS" "$h" "$m"
  compare "ocirt(8) COMMANDS" "$(commands | sort)" \
    "$(sed -n '/^# COMMANDS$/,/^# /p' "$MAN/ocirt.8.md" | sed -n 's/^\*\*\([a-z]*\)\*\*$/\1/p' | sort)"
}
t "ocirt --help matches ocirt(8)" test_global

test_command () {
  local cmd=$1 page=$MAN/ocirt-$1.8.md out
  [ -f "$page" ] || _assert_fail "no man page $page for command $cmd"
  out=$("$OCIRT" "$cmd" --help 2>&1 || true)
  if printf '%s\n' "$out" | grep -q 'not implemented'; then
    skip_test "ocirt $cmd is not implemented yet: page exists, options not compared"
  fi
  compare "ocirt-$cmd(8) OPTIONS" "$(help_opts "$cmd")" "$(man_opts "$page" OPTIONS)"
}
n=0
for cmd in $(commands); do
  n=$((n + 1))
  t "ocirt $cmd --help matches ocirt-$cmd(8)" test_command "$cmd"
done
[ $n -ge 10 ] || fail "commands parsed from ocirt --help" "only $n"

test_no_stray_pages () {
  local f c
  for f in "$MAN"/ocirt-*.8.md; do
    c=${f##*/ocirt-}; c=${c%.8.md}
    commands | grep -qx "$c" || _assert_fail "man page $f names no command of ocirt --help"
  done
}
t "every man page names a command" test_no_stray_pages

test_built () {
  local f
  for f in "$MAN"/*.8.md; do
    f=$OCIRT_BUILDDIR/man/$(basename "$f" .md)
    [ -s "$f" ] || _assert_fail "$f was not built (make all converts man/*.8.md)"
    grep -q '^\.TH' "$f" || _assert_fail "$f is not a man page (no .TH)"
  done
  if command -v man > /dev/null; then
    assert_match "$(man -l "$OCIRT_BUILDDIR/man/ocirt-run.8" 2>/dev/null | col -b)" 'ocirt-run - create and run a container'
  fi
}
t "man pages are built" test_built

test_install () {
  local d=$TMP/inst
  make -s -C "$OCIRT_BUILDDIR" install DESTDIR="$d" prefix=/usr > "$TMP/install.log" 2>&1 \
    || _assert_fail "make install failed" "$(tail -20 "$TMP/install.log")"
  [ -x "$d/usr/bin/ocirt" ] || _assert_fail "no /usr/bin/ocirt"
  [ -f "$d/usr/share/bash-completion/completions/ocirt" ] || _assert_fail "no bash completion"
  for f in "$MAN"/*.8.md; do
    f=$(basename "$f" .md)
    [ -s "$d/usr/share/man/man8/$f" ] || _assert_fail "no /usr/share/man/man8/$f"
  done
}
t "make install: binary, man8 pages, bash completion" test_install

done_testing
