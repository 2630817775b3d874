"""Converts scikit-learn's copy of the UCI "Optical Recognition of Handwritten Digits" test set
(load_digits: 1,797 images of 8x8 pixels, values 0-16, 10 classes) into data/digits.bin.

Run once: pip install scikit-learn && python3 scripts/data/convert_digits.py
Format (little-endian): b"OVFD", u16 count, u8 width, u8 height, then per image 64 pixel bytes
(0-16, row-major) followed by one label byte (0-9). About 117 KB.
"""
import pathlib
import struct

from sklearn.datasets import load_digits

digits = load_digits()
images = digits.images.astype("uint8")
labels = digits.target.astype("uint8")
assert images.shape == (1797, 8, 8) and images.max() <= 16
out = bytearray(b"OVFD")
out += struct.pack("<HBB", len(images), 8, 8)
for img, label in zip(images, labels):
    out += bytes(img.ravel().tolist())
    out.append(int(label))
path = pathlib.Path(__file__).resolve().parents[2] / "data" / "digits.bin"
path.write_bytes(bytes(out))
print(f"wrote {path} ({len(out)} bytes, {len(images)} images)")
