"""The workbook's picture cell (its caption: the [picture] table of the kata's card)."""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
from PIL import Image, ImageDraw

from katas.celeba_hdf5 import CelebADataset, pack_images

SOURCE = None  # or the path of img_align_celeba.zip
folder = Path(tempfile.mkdtemp())
if SOURCE is None:
    SOURCE = folder / "faces"
    SOURCE.mkdir()
    for i in range(8):
        face = Image.new("RGB", (178, 218), (40 + 25 * i, 90, 200 - 20 * i))
        draw = ImageDraw.Draw(face)
        draw.ellipse((34, 44, 144, 184), fill=(235, 195, 160))
        draw.ellipse((62, 90, 78, 104), fill="black")
        draw.ellipse((100, 90, 116, 104), fill="black")
        draw.arc((64, 110 - 4 * i, 114, 150 + 2 * i), 20, 160, fill=(150, 40, 40), width=4)
        face.save(SOURCE / f"{i + 1:06d}.jpg")
pack_images(SOURCE, folder / "celeba.h5", limit=8)
faces = CelebADataset(folder / "celeba.h5")
figure, axes = plt.subplots(1, len(faces), figsize=(12, 2.5))
for index, ax in enumerate(axes):
    ax.imshow(faces.as_image(index))
    ax.set_title(f"{index}.jpg")
    ax.axis("off")
plt.show()
