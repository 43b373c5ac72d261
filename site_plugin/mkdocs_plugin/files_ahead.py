"""Herald's page files made ahead, on a second thread, while MkDocs renders the pages.

Making a new file and its folder is the slowest part of writing a page on a CI runner's
disk: the file system allocates an inode and journals two directory entries, which costs
more than the page's bytes. A status site has a folder and a page for every incident, so
that cost grows with its history. MkDocs renders and writes pages one after another on one
thread. Made here first, empty, the folders and files are already there when MkDocs
writes each page, and the two kinds of work overlap on a machine with two cores.

A file is only ever created, never opened if it is there (``O_EXCL``): whichever comes
first, the page MkDocs writes is the one that stays. Any other problem stops the thread
quietly, because MkDocs meets the same problem when it writes the page and reports it.

No MkDocs here: the caller says which files, in the order it writes them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable

FILE_MODE = 0o666
"""What ``open(path, "wb")`` creates a file with, before the umask: the mode MkDocs'
own files have."""


class FilesAhead:
    """Makes the folders and empty files of pages about to be written; one per build.

    Args:
        paths: The absolute paths of the pages' files, in the order they will be written.
    """

    def __init__(self, paths: Iterable[str]) -> None:
        self._paths = tuple(paths)
        self._thread = threading.Thread(target=self._make, name="herald-files-ahead", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self) -> None:
        """Return once the thread has stopped (at once when it never started)."""
        if self._thread.ident is not None:
            self._thread.join()

    def _make(self) -> None:
        folders: set[str] = set()
        for path in self._paths:
            folder = os.path.dirname(path)
            try:
                if folder not in folders:
                    os.makedirs(folder, exist_ok=True)
                    folders.add(folder)
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
            except FileExistsError:
                continue  # written already, or left by an earlier build: not ours to touch
            except OSError:
                return


def remove_if_empty(path: str, root: str) -> None:
    """Remove a file made ahead for a page that MkDocs then did not write (its output was
    blank), and the folders made for it up to ``root``, so that the site has nothing
    there, as it would without Herald."""
    try:
        if os.path.getsize(path) != 0:
            return
        os.remove(path)
        folder = os.path.dirname(path)
        while folder != root and os.path.dirname(folder) != folder:
            os.rmdir(folder)  # only when empty: a folder with a page in it stays
            folder = os.path.dirname(folder)
    except OSError:
        pass
