"""The web edge shared by every feature: headers, errors, static assets, templates."""
