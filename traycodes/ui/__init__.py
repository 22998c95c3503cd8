"""tkinter windows. Each is handed what it shows and callbacks for what the user does;
none reaches into the vault's files or the desktop adapters."""
