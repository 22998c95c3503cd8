"""The browser extension (shipped as package data in ``extension/``), its native
messaging host (``traycodes browser-host``) and the host's install in each browser
(``traycodes browser on|off|status|path``)."""

EXTENSION_ID = "bpeopkbnikbbhmgffaeanlbjgfkhckci"  # from the manifest's "key"
GECKO_ID = "browser@traycodes.invalid"  # Firefox's id for the same extension
HOST_NAME = "traycodes"  # the native messaging host's name (manifests, sendNativeMessage)
