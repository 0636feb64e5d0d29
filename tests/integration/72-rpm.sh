#!/bin/bash
# make dist's tarball holds every tracked file (else distcheck and the rpm miss them), and
# rpm/ocirt.spec builds with `rpmbuild -ba` from that tarball, in a temp topdir, and
# the binary rpm holds /usr/bin/ocirt, the man pages and the bash completion.  --nodeps: the
# -devel BuildRequires are rpm package names that Debian's rpm database does not know.
# Skipped inside `make distcheck` (OCIRT_DISTCHECK=1 in configure's arguments): that check
# already runs from the tarball.
. "$(dirname "$0")/../lib.sh"
require_root
require_ocirt
require_cmd rpmbuild rpm make
if "$OCIRT_BUILDDIR/config.status" --config 2>/dev/null | grep -q OCIRT_DISTCHECK=1; then
  skip_all "inside make distcheck"
fi

test_rpmbuild () {
  local top=$TMP/rpm v tarball rpmfile files f
  v=$(sed -n 's/^Version: *//p' "$OCIRT_BUILDDIR/rpm/ocirt.spec")
  [ -n "$v" ] || _assert_fail "no Version in $OCIRT_BUILDDIR/rpm/ocirt.spec"
  mkdir -p "$top/SOURCES"
  make -s -C "$OCIRT_BUILDDIR" dist-gzip > "$TMP/dist.log" 2>&1 \
    || _assert_fail "make dist failed" "$(tail -20 "$TMP/dist.log")"
  tarball=$top/SOURCES/ocirt-$v.tar.gz
  mv "$OCIRT_BUILDDIR/ocirt-$v.tar.gz" "$tarball" || _assert_fail "make dist made no ocirt-$v.tar.gz"
  # every tracked file but the CI entry point and .gitignore is in the tarball
  if git -C "$OCIRT_SRCDIR" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    local missing
    missing=$(comm -13 <(tar -tzf "$tarball" | sed "s|^ocirt-$v/||" | sort) \
                       <(git -C "$OCIRT_SRCDIR" ls-files | grep -vxE '\.ci/run|\.gitignore' | sort))
    [ -z "$missing" ] || _assert_fail "tracked files missing from make dist's tarball (add them to EXTRA_DIST)" "$missing"
  fi
  tar -xzOf "$tarball" "ocirt-$v/rpm/ocirt.spec" > "$top/ocirt.spec" \
    || _assert_fail "the tarball has no rpm/ocirt.spec"
  rpmbuild -ba --nodeps --define "_topdir $top" --define 'debug_package %{nil}' \
    "$top/ocirt.spec" > "$TMP/rpmbuild.log" 2>&1 \
    || _assert_fail "rpmbuild -ba failed" "$(tail -30 "$TMP/rpmbuild.log")"
  rpmfile=$(ls "$top"/RPMS/*/ocirt-"$v"-1*.rpm 2>/dev/null | head -1)
  [ -n "$rpmfile" ] || _assert_fail "no binary rpm" "$(find "$top/RPMS")"
  ls "$top"/SRPMS/ocirt-"$v"-1*.src.rpm > /dev/null || _assert_fail "no source rpm"
  files=$(rpm -qlp "$rpmfile" 2>/dev/null)
  for f in /usr/bin/ocirt /usr/share/bash-completion/completions/ocirt; do
    printf '%s\n' "$files" | grep -qx "$f" || _assert_fail "$f not in $rpmfile" "$files"
  done
  for f in "$OCIRT_SRCDIR"/man/*.8.md; do
    f=$(basename "$f" .md)
    printf '%s\n' "$files" | grep -qE "^/usr/share/man/man8/$f(\.gz)?\$" || _assert_fail "man page $f not in $rpmfile" "$files"
  done
  assert_match "$(rpm -qp --requires "$rpmfile" 2>/dev/null)" 'libseccomp'
  assert_eq "$(rpm -qp --qf '%{LICENSE}' "$rpmfile" 2>/dev/null)" Apache-2.0
}
t "rpmbuild -ba from make dist's tarball" test_rpmbuild

done_testing
