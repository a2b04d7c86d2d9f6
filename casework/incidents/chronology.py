"""This part's chronology sources, registered with casework.chronology.selectors.register_source."""
