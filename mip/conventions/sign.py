"""The sign of a flux variable: one reading, shared by every reader and by ``mip check``.

fluxmip's canonical convention is positive = flux to the atmosphere.  What a file's values mean is
read from, in this order of authority:

1. the file's own words: the variable's CF ``standard_name`` (``..._downward_...`` is into the
   surface; ``..._upward_...`` and ``tendency_of_atmosphere_...`` are to the atmosphere), its CF
   ``positive`` attribute (``up``/``down``) and a global ``sign_convention`` attribute — which must
   agree with each other;
2. an explicit ``sign`` option of the user (``"atmosphere"`` or ``"surface"``), which must agree with
   the file where the file says something (a contradiction is refused, never resolved silently);
3. the published convention of the product family or of a MIP protocol (``convention``).

With none of these the sign is refused: fluxmip never guesses a sign.  Because the readers
(:mod:`mip.products`) and the submission checks (:mod:`mip.checks`) both call
:func:`read_sign`, a file that ``mip check`` passes enters the budgets with the sign the check
saw; values whose sign contradicts their metadata are caught by the plausibility rules of the
check (the expected sign of a total, and the ensemble comparison), not by the metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mip.errors import InputError

__all__ = ["Sign", "read_sign", "parse_flag", "UP", "DOWN"]

UP = "atmosphere"
DOWN = "surface"
_UP = {"atmosphere", "up", "upward", "source", "positive_to_atmosphere", "positive up", "+1", "to_atmosphere",
       "positive = flux to the atmosphere (source)", "positive = to the atmosphere", "positive upward",
       "positive = upward", "emission", "positive = emission"}
_DOWN = {"surface", "down", "downward", "sink", "positive_to_surface", "positive down", "-1", "to_surface",
         "positive = into the surface", "positive = to the surface", "positive downward", "positive = downward",
         "uptake", "positive = uptake"}
_WORDS = {1: "to the atmosphere (up)", -1: "into the surface (down)"}


@dataclass(frozen=True)
class Sign:
    """How to bring a variable to positive = to the atmosphere, and where that was read.

    Attributes
    ----------
    factor
        +1 (the values are already positive to the atmosphere) or −1 (they must be flipped).
    source
        Where the convention came from (``"positive='down'"``, ``"standard_name ..."``,
        ``"sign option"``, ``"convention of the oco2mip family"``, ...), for provenance and messages.
    """

    factor: int
    source: str

    @property
    def words(self) -> str:
        """``"to the atmosphere (up)"`` or ``"into the surface (down)"``: what positive values mean in the file."""
        return _WORDS[self.factor]


def parse_flag(value: object, *, file: object = None, variable: str | None = None) -> int:
    """+1 for a flag meaning positive = to the atmosphere, −1 for one meaning into the surface.

    Parameters
    ----------
    value
        ``"atmosphere"``, ``"up"``, ``"surface"``, ``"down"``, ... (case and spacing ignored).
    file, variable
        For the message.

    Returns
    -------
    int

    Raises
    ------
    InputError
        A flag that means neither.

    Examples
    --------
    >>> parse_flag("Up"), parse_flag("surface")
    (1, -1)
    """
    v = " ".join(str(value).strip().lower().split())
    if v in _UP:
        return 1
    if v in _DOWN:
        return -1
    raise InputError(file, variable, f"sign convention flag {value!r}",
                     "'atmosphere' (positive = to the atmosphere, CF positive='up') or "
                     "'surface' (positive = into the surface, CF positive='down')")


def _from_standard_name(sn: str) -> int | None:
    if "downward" in sn:
        return -1
    if "upward" in sn or sn.startswith("tendency_of_atmosphere"):
        return 1
    return None


def read_sign(attrs: Mapping[str, object], global_attrs: Mapping[str, object] | None = None, *,
              option: str | None = None, convention: str | None = None, convention_name: str = "the product",
              file: object = None, variable: str | None = None) -> Sign:
    """The sign of one flux variable, from its metadata, the user's option and the published convention.

    Parameters
    ----------
    attrs
        The variable's attributes (``standard_name``, ``positive``).
    global_attrs
        The file's global attributes (``sign_convention``).
    option
        The user's explicit sign (``"atmosphere"``/``"surface"``); refused where it contradicts the file.
    convention
        The convention of the product family or protocol, used only when neither the file nor the
        user says anything.
    convention_name
        Whose convention that is, for provenance (``"the oco2mip family"``, ``"protocol mymip"``).
    file, variable
        For messages.

    Returns
    -------
    Sign

    Raises
    ------
    InputError
        The file's own statements disagree, the option contradicts the file, or nothing says.

    Examples
    --------
    >>> read_sign({"positive": "down"}).factor
    -1
    >>> read_sign({}, convention="atmosphere", convention_name="the oco2mip family").source
    'convention of the oco2mip family'
    """
    said: list[tuple[int, str]] = []
    sn = str(attrs.get("standard_name", "") or "")
    by_name = _from_standard_name(sn)
    if by_name is not None:
        said.append((by_name, f"standard_name {sn!r}"))
    pos = attrs.get("positive")
    if pos not in (None, ""):
        said.append((parse_flag(pos, file=file, variable=variable), f"positive={str(pos)!r}"))
    glob = (global_attrs or {}).get("sign_convention")
    if glob not in (None, ""):
        said.append((parse_flag(glob, file=file, variable=variable), f"global sign_convention={str(glob)!r}"))
    if len({s for s, _ in said}) > 1:
        raise InputError(file, variable, "metadata that disagree on the sign: "
                         + "; ".join(f"{w} says {_WORDS[s]}" for s, w in said),
                         "one sign convention", "fix the attribute that is wrong")
    if option is not None:
        s = parse_flag(option, file=file, variable=variable)
        if said and said[0][0] != s:
            raise InputError(file, variable, f"sign={option!r} ({_WORDS[s]}) against the file's own "
                             f"{said[0][1]} ({_WORDS[said[0][0]]})", "a sign option that agrees with the file, or none",
                             "fluxmip does not override a file's stated sign: correct the file's metadata if it "
                             "is wrong")
        return Sign(s, said[0][1] if said else "sign option")
    if said:
        return Sign(*said[0])
    if convention is not None:
        return Sign(parse_flag(convention, file=file, variable=variable), f"convention of {convention_name}")
    raise InputError(file, variable, "no sign convention (no standard_name with upward/downward, no positive "
                     "attribute, no global sign_convention)", "the file's metadata or an explicit sign",
                     "pass sign='atmosphere' (positive = to the atmosphere) or sign='surface' (positive = into "
                     "the surface), e.g. in the catalog entry's options; fluxmip never guesses a sign")
