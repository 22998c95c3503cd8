"""The Win32 functions traycodes calls, each with its result and argument types declared
(imported by :mod:`._win32` only on Windows, or by tests with a fake DLL loader)."""

from __future__ import annotations

from typing import Any


def prototypes() -> dict[tuple[str, str], tuple[Any, list[Any]]]:
    """``(dll, function) -> (restype, argtypes)`` for every Win32 call traycodes makes.
    Declared, never left to ctypes' default (``int`` results and arguments, which cut
    64-bit handles and pointers to 32 bits)."""
    import ctypes
    from ctypes import wintypes as w

    return {
        ("user32", "OpenClipboard"): (w.BOOL, [w.HWND]),
        ("user32", "EmptyClipboard"): (w.BOOL, []),
        ("user32", "CloseClipboard"): (w.BOOL, []),
        ("user32", "SetClipboardData"): (w.HANDLE, [w.UINT, w.HANDLE]),
        ("user32", "RegisterClipboardFormatW"): (w.UINT, [w.LPCWSTR]),
        ("user32", "GetClipboardSequenceNumber"): (w.DWORD, []),
        ("user32", "GetForegroundWindow"): (w.HWND, []),
        ("user32", "GetWindowTextLengthW"): (ctypes.c_int, [w.HWND]),
        ("user32", "GetWindowTextW"): (ctypes.c_int, [w.HWND, w.LPWSTR, ctypes.c_int]),
        ("user32", "GetWindowThreadProcessId"): (w.DWORD, [w.HWND, ctypes.POINTER(w.DWORD)]),
        ("user32", "SetForegroundWindow"): (w.BOOL, [w.HWND]),
        ("user32", "GetAsyncKeyState"): (w.SHORT, [ctypes.c_int]),
        ("user32", "SendInput"): (w.UINT, [w.UINT, ctypes.c_void_p, ctypes.c_int]),
        # global hotkeys (_win32_keys)
        ("user32", "RegisterHotKey"): (w.BOOL, [w.HWND, ctypes.c_int, w.UINT, w.UINT]),
        ("user32", "UnregisterHotKey"): (w.BOOL, [w.HWND, ctypes.c_int]),
        ("user32", "GetMessageW"): (w.BOOL, [ctypes.POINTER(w.MSG), w.HWND, w.UINT, w.UINT]),
        ("user32", "PostThreadMessageW"): (w.BOOL, [w.DWORD, w.UINT, w.WPARAM, w.LPARAM]),
        ("user32", "VkKeyScanW"): (w.SHORT, [w.WCHAR]),
        ("kernel32", "GetCurrentThreadId"): (w.DWORD, []),
        ("kernel32", "GlobalAlloc"): (w.HGLOBAL, [w.UINT, ctypes.c_size_t]),
        ("kernel32", "GlobalLock"): (w.LPVOID, [w.HGLOBAL]),
        ("kernel32", "GlobalUnlock"): (w.BOOL, [w.HGLOBAL]),
        ("kernel32", "GlobalFree"): (w.HGLOBAL, [w.HGLOBAL]),
        ("kernel32", "RtlMoveMemory"): (None, [w.LPVOID, ctypes.c_void_p, ctypes.c_size_t]),
        ("kernel32", "OpenProcess"): (w.HANDLE, [w.DWORD, w.BOOL, w.DWORD]),
        ("kernel32", "QueryFullProcessImageNameW"): (
            w.BOOL,
            [w.HANDLE, w.DWORD, w.LPWSTR, ctypes.POINTER(w.DWORD)],
        ),
        ("kernel32", "CloseHandle"): (w.BOOL, [w.HANDLE]),
        # the IPC pipe: private to the user, checked at both ends
        ("kernel32", "GetCurrentProcess"): (w.HANDLE, []),
        ("kernel32", "GetCurrentProcessId"): (w.DWORD, []),
        ("kernel32", "ProcessIdToSessionId"): (w.BOOL, [w.DWORD, ctypes.POINTER(w.DWORD)]),
        ("kernel32", "CreateNamedPipeW"): (
            w.HANDLE,
            [w.LPCWSTR, w.DWORD, w.DWORD, w.DWORD, w.DWORD, w.DWORD, w.DWORD, w.LPVOID],
        ),
        ("kernel32", "ConnectNamedPipe"): (w.BOOL, [w.HANDLE, w.LPVOID]),
        ("kernel32", "DisconnectNamedPipe"): (w.BOOL, [w.HANDLE]),
        ("kernel32", "CreateFileW"): (
            w.HANDLE,
            [w.LPCWSTR, w.DWORD, w.DWORD, w.LPVOID, w.DWORD, w.DWORD, w.HANDLE],
        ),
        ("kernel32", "SetNamedPipeHandleState"): (
            w.BOOL,
            [w.HANDLE, ctypes.POINTER(w.DWORD), w.LPVOID, w.LPVOID],
        ),
        ("kernel32", "ReadFile"): (
            w.BOOL,
            [w.HANDLE, w.LPVOID, w.DWORD, ctypes.POINTER(w.DWORD), w.LPVOID],
        ),
        ("kernel32", "WriteFile"): (
            w.BOOL,
            [w.HANDLE, ctypes.c_char_p, w.DWORD, ctypes.POINTER(w.DWORD), w.LPVOID],
        ),
        ("kernel32", "FlushFileBuffers"): (w.BOOL, [w.HANDLE]),
        # a read that waits too long is cancelled from a timer's thread
        ("kernel32", "OpenThread"): (w.HANDLE, [w.DWORD, w.BOOL, w.DWORD]),
        ("kernel32", "CancelSynchronousIo"): (w.BOOL, [w.HANDLE]),
        ("kernel32", "GetNamedPipeServerProcessId"): (
            w.BOOL,
            [w.HANDLE, ctypes.POINTER(w.ULONG)],
        ),
        ("kernel32", "GetNamedPipeClientProcessId"): (
            w.BOOL,
            [w.HANDLE, ctypes.POINTER(w.ULONG)],
        ),
        ("kernel32", "LocalFree"): (w.HLOCAL, [w.HLOCAL]),
        ("advapi32", "OpenProcessToken"): (w.BOOL, [w.HANDLE, w.DWORD, ctypes.POINTER(w.HANDLE)]),
        ("advapi32", "GetTokenInformation"): (
            w.BOOL,
            [w.HANDLE, ctypes.c_int, w.LPVOID, w.DWORD, ctypes.POINTER(w.DWORD)],
        ),
        ("advapi32", "ConvertSidToStringSidW"): (
            w.BOOL,
            [w.LPVOID, ctypes.POINTER(w.LPWSTR)],
        ),
        ("advapi32", "ConvertStringSecurityDescriptorToSecurityDescriptorW"): (
            w.BOOL,
            [w.LPCWSTR, w.DWORD, ctypes.POINTER(w.LPVOID), ctypes.POINTER(w.ULONG)],
        ),
    }
