#!/usr/bin/env bash
# Builds the Debian package from the build folder with CPack and checks its contents and
# declared dependencies with dpkg-deb.  usage: check_deb.sh BUILD_DIR VERSION
set -euo pipefail
build=$1
version=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cd "$build"
cpack -G DEB -B "$out" --config CPackConfig.cmake > "$out/cpack.log" 2>&1 || { cat "$out/cpack.log"; exit 1; }
deb="$out/sam3-annotate_${version}_amd64.deb"
[ -f "$deb" ] || { echo "expected $deb, found:"; ls "$out"; exit 1; }

contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/sam3-annotate ./usr/libexec/sam3-annotate/sam3-annotate-app \
         ./usr/lib/sam3-annotate/libsam3_ops.so \
         ./usr/share/applications/sam3-annotate.desktop \
         ./usr/share/metainfo/sam3-annotate.metainfo.xml \
         ./usr/share/icons/hicolor/scalable/apps/sam3-annotate.svg; do
  grep -q -- " $f\$" <<<"$contents" || { echo "missing from package: $f"; echo "$contents"; exit 1; }
done

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6widgets6 libtorch libqt6svg6; do
  grep -q "$lib" <<<"$depends" || { echo "Depends lacks $lib: $depends"; exit 1; }
done
[ "$(dpkg-deb -f "$deb" Package)" = sam3-annotate ] || { echo "wrong package name"; exit 1; }
[ "$(dpkg-deb -f "$deb" Architecture)" = amd64 ] || { echo "wrong architecture"; exit 1; }

# The packaged application finds its private op library through its RPATH; the launcher loads
# no LibTorch (its file commands start fast) and starts the application from where it lies.
root="$out/root"
dpkg-deb -x "$deb" "$root"
if ldd "$root/usr/libexec/sam3-annotate/sam3-annotate-app" | grep -q "libsam3_ops.so => not found"; then
  echo "packaged application cannot find libsam3_ops.so"; exit 1
fi
if readelf -d "$root/usr/bin/sam3-annotate" | grep -q "libtorch"; then
  echo "the launcher links LibTorch"; exit 1
fi
[ "$("$root/usr/bin/sam3-annotate" --version)" = "sam3-annotate $version" ] ||
  { echo "launcher --version: $("$root/usr/bin/sam3-annotate" --version)"; exit 1; }
echo "package OK: $(basename "$deb") ($(du -h "$deb" | cut -f1)), Depends: $depends"
