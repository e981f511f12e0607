"""The pupil's survey: invitations, links and codes, answers saved once."""
