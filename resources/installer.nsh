; Included by electron-builder's NSIS installer (electron-builder.yml nsis.include).
; The app registers lifescore:// per user at run time (app.setAsDefaultProtocolClient writes
; HKCU\Software\Classes\lifescore); NSIS knows nothing of it, so the uninstaller removes it here.
!macro customUnInstall
  DeleteRegKey HKCU "Software\Classes\lifescore"
!macroend
