//! Record batches across Arrow's C data interface, by the PyCapsule protocol
//! (`__arrow_c_array__`, `__arrow_c_schema__`): pyarrow (14 and later), polars and others hand
//! dyad a batch without copying it and take dyad's output the same way.
#![allow(
    unsafe_code,
    reason = "reading the Arrow C structs out of Python capsules"
)]

use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, RecordBatch, StructArray};
use arrow_schema::SchemaRef;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// The batch behind any object that exports one (`__arrow_c_array__`): a pyarrow
/// `RecordBatch`, or a struct array, whose fields become the columns.
pub fn import_batch(obj: &Bound<'_, PyAny>) -> PyResult<RecordBatch> {
    if !obj.hasattr("__arrow_c_array__")? {
        let name = obj.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "expected a pyarrow.RecordBatch (an object with __arrow_c_array__), not {name}"
        )));
    }
    let (schema, array): (Bound<'_, PyCapsule>, Bound<'_, PyCapsule>) =
        obj.call_method0("__arrow_c_array__")?.extract()?;
    let schema_ptr = schema
        .pointer_checked(Some(c"arrow_schema"))?
        .cast::<FFI_ArrowSchema>();
    let array_ptr = array
        .pointer_checked(Some(c"arrow_array"))?
        .cast::<FFI_ArrowArray>();
    // SAFETY: the capsules are named as the PyCapsule protocol names an ArrowSchema and an
    // ArrowArray, which their producer keeps valid while the capsules live (they do, for this
    // call). `from_raw` moves the array out and marks the capsule's copy released, so that
    // the capsule's destructor does not release it a second time; the schema is only read.
    let data = unsafe {
        let array = FFI_ArrowArray::from_raw(array_ptr.as_ptr());
        from_ffi(array, schema_ptr.as_ref())
    }
    .map_err(|e| PyValueError::new_err(format!("cannot read the Arrow batch: {e}")))?;
    let array = arrow_array::make_array(data);
    let Some(columns) = array.as_any().downcast_ref::<StructArray>() else {
        return Err(PyTypeError::new_err(format!(
            "expected a record batch (a struct array), not an array of {}",
            array.data_type()
        )));
    };
    if columns.null_count() > 0 {
        return Err(PyValueError::new_err(
            "the struct array has null rows; a record batch has none",
        ));
    }
    Ok(RecordBatch::from(columns.clone()))
}

/// A batch dyad made, handed to Python by the PyCapsule protocol: `pyarrow.record_batch(b)`
/// takes it over without a copy. It can be exported once.
#[pyclass(module = "dyad._dyad", name = "ArrowBatch")]
#[derive(Debug)]
pub struct ArrowBatch {
    batch: Option<RecordBatch>,
}

impl ArrowBatch {
    pub fn new(batch: RecordBatch) -> ArrowBatch {
        ArrowBatch { batch: Some(batch) }
    }
}

#[pymethods]
impl ArrowBatch {
    /// The number of rows (events), or None once exported.
    #[getter]
    fn num_rows(&self) -> Option<usize> {
        self.batch.as_ref().map(RecordBatch::num_rows)
    }

    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &mut self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)> {
        if requested_schema.is_some_and(|s| !s.is_none()) {
            return Err(PyValueError::new_err(
                "dyad exports its batches in their own schema (see dyad.events_schema())",
            ));
        }
        let batch = self
            .batch
            .take()
            .ok_or_else(|| PyValueError::new_err("this batch was already exported"))?;
        let (array, schema) = to_ffi(&StructArray::from(batch).into_data())
            .map_err(|e| PyValueError::new_err(format!("cannot export the batch: {e}")))?;
        Ok((
            PyCapsule::new_with_value(py, schema, c"arrow_schema")?,
            PyCapsule::new_with_value(py, array, c"arrow_array")?,
        ))
    }
}

/// A schema, handed to Python by the PyCapsule protocol: `pyarrow.schema(s)` reads it.
#[pyclass(module = "dyad._dyad", name = "ArrowSchema", frozen)]
#[derive(Debug)]
pub struct ArrowSchema {
    schema: SchemaRef,
}

impl ArrowSchema {
    pub fn new(schema: SchemaRef) -> ArrowSchema {
        ArrowSchema { schema }
    }
}

#[pymethods]
impl ArrowSchema {
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.schema.as_ref())
            .map_err(|e| PyValueError::new_err(format!("cannot export the schema: {e}")))?;
        PyCapsule::new_with_value(py, schema, c"arrow_schema")
    }
}
