"""The platform-neutral core: model, dispatcher, context, i18n, clock. Imports no platform SDK."""
