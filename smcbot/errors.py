"""The errors smcbot raises on purpose.

Every error a user can cause or fix derives from `SmcbotError`; its message is one
line saying what is wrong and what to do. Front ends print that line and nothing
else; anything that is not an `SmcbotError` is a bug and is logged with its trace.

    SmcbotError
    ├── SettingsError      a setting has a wrong value
    ├── SourceError        a source or the sources manifest cannot be read
    ├── IndexNotFoundError no index where one is expected
    ├── IndexMismatchError the index was built with another model or format
    ├── IndexCorruptError  an index file is missing or does not match its checksum
    ├── IndexLockedError   another build holds the index folder
    ├── IndexWriteError    the index folder cannot be written (permissions, disk full)
    ├── StoreError         the question store cannot be opened or read
    │   └── StoreVersionError  the store was written by a newer smcbot
    └── QuestionError      a question that cannot be searched (empty, no words)
"""


class SmcbotError(Exception):
    """Base of every expected error; `str(error)` is the one line shown to the user."""


class SettingsError(SmcbotError):
    """A setting is missing or has a value of the wrong kind."""


class SourceError(SmcbotError):
    """A source listed in the manifest (or the manifest itself) cannot be used."""


class IndexNotFoundError(SmcbotError):
    """There is no index in the folder that was asked for."""


class IndexMismatchError(SmcbotError):
    """The index was built with another embedding model or format version."""


class IndexCorruptError(SmcbotError):
    """A file of the index is missing or damaged."""


class IndexLockedError(SmcbotError):
    """Another build is writing the same index folder."""


class IndexWriteError(SmcbotError):
    """The index folder cannot be written: read-only, not ours, or the disk is full."""


class StoreError(SmcbotError):
    """The question store cannot be opened, read or upgraded."""


class StoreVersionError(StoreError):
    """The question store's schema is newer than this version of smcbot knows."""


class QuestionError(SmcbotError):
    """The question holds nothing that can be searched."""
