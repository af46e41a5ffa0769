//! Work location layers: manual beats automatic; with neither, `unspecified` from `none`.

use presence_model::{SetLocationRequest, UserWorkLocation, WorkLocationSource, WorkLocationType};

/// Longest `placeId` accepted.
pub const MAX_PLACE_ID: usize = 256;

/// One layer's location as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub work_location_type: WorkLocationType,
    pub place_id: Option<String>,
}

/// The layers a user's work location is computed from. (Graph's third layer, `scheduled`,
/// comes from calendar working hours, which this server does not model.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocationLayers {
    pub manual: Option<Location>,
    pub automatic: Option<Location>,
}

impl LocationLayers {
    /// The effective location: the manual layer if set, else the automatic one.
    pub fn effective(&self) -> UserWorkLocation {
        let layers = [
            (&self.manual, WorkLocationSource::Manual),
            (&self.automatic, WorkLocationSource::Automatic),
        ];
        layers
            .into_iter()
            .find_map(|(layer, source)| {
                layer.as_ref().map(|location| UserWorkLocation {
                    work_location_type: location.work_location_type,
                    source,
                    place_id: location.place_id.clone(),
                })
            })
            .unwrap_or_default()
    }
}

/// The location a setManualLocation / setAutomaticLocation body asks for.
pub fn from_request(request: &SetLocationRequest) -> Result<Location, String> {
    if request.work_location_type == WorkLocationType::UnknownFutureValue {
        return Err(
            "workLocationType 'unknownFutureValue' is a placeholder, not a location; use \
             unspecified, office, remote or timeOff."
                .to_owned(),
        );
    }
    let place_id = request
        .place_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty());
    if let Some(id) = place_id
        && (id.len() > MAX_PLACE_ID || id.chars().any(char::is_control))
    {
        return Err(format!(
            "placeId must be at most {MAX_PLACE_ID} printable characters."
        ));
    }
    Ok(Location {
        work_location_type: request.work_location_type,
        place_id: place_id.map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(kind: WorkLocationType, place: Option<&str>) -> Location {
        Location {
            work_location_type: kind,
            place_id: place.map(str::to_owned),
        }
    }

    #[test]
    fn manual_beats_automatic_beats_nothing() {
        let office = location(WorkLocationType::Office, Some("building-1"));
        let remote = location(WorkLocationType::Remote, None);
        let none = LocationLayers::default().effective();
        assert_eq!(
            (none.work_location_type, none.source),
            (WorkLocationType::Unspecified, WorkLocationSource::None)
        );
        let automatic_only = LocationLayers {
            manual: None,
            automatic: Some(office.clone()),
        }
        .effective();
        assert_eq!(automatic_only.source, WorkLocationSource::Automatic);
        assert_eq!(automatic_only.place_id.as_deref(), Some("building-1"));
        let both = LocationLayers {
            manual: Some(remote),
            automatic: Some(office),
        }
        .effective();
        assert_eq!(
            (both.work_location_type, both.source),
            (WorkLocationType::Remote, WorkLocationSource::Manual)
        );
        assert_eq!(both.place_id, None);
    }

    #[test]
    fn placeholder_type_and_bad_place_ids_are_refused() {
        let placeholder = SetLocationRequest {
            work_location_type: WorkLocationType::UnknownFutureValue,
            place_id: None,
        };
        assert!(from_request(&placeholder).is_err());
        let long = SetLocationRequest {
            work_location_type: WorkLocationType::Office,
            place_id: Some("p".repeat(257)),
        };
        assert!(from_request(&long).is_err());
        let blank = SetLocationRequest {
            work_location_type: WorkLocationType::TimeOff,
            place_id: Some("  ".into()),
        };
        assert_eq!(
            from_request(&blank),
            Ok(location(WorkLocationType::TimeOff, None))
        );
    }
}
