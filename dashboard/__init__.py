"""The app's importable code: settings, auth and roles, services, i18n, figures, maps."""
