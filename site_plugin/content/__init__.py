"""The content model and how it is read: components.yml and incidents/ → model."""
