"""The coordinators' audit trail: who changed what, when, with the values before and after."""
