"""Writing content: herald new / update / resolve / postmortem, and check warnings."""
